import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { buildApp, type App } from '../src/app.ts'
import type { Config } from '../src/config/config.ts'
import { VERSION_SHARED_MS } from '../src/db/dataset.ts'
import { migrateDatabase, openDatabase, type Storage } from '../src/db/client.ts'
import { seedDatabase } from '../src/db/seed.ts'
import { synthesise } from '../src/db/synth.ts'
import { seedData } from '../seed/data.ts'

const open: App[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/**
 * The app on a fresh in-memory database, migrated and seeded through the normal start-up path.
 * Rate limiting and the event-loop guard are off unless a test turns them on: tests load data
 * synchronously and send bursts that would trip both. Statements are counted.
 */
export async function buildTestApp(config: Partial<Config> = {}): Promise<App> {
  // Export threads keep their nice value only: in SCHED_IDLE they would wait for a core the other
  // test files leave free (a test asks for it where it checks it).
  const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, countStatements: true, exportWorkerIdle: false, ...config } })
  await app.ready()
  open.push(app)
  return app
}

/** One app for a whole file of read-only tests: built before the first, closed after the last. */
export function sharedApp(config: Partial<Config> = {}): () => App {
  let app: App | undefined
  beforeAll(async () => {
    app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, countStatements: true, exportWorkerIdle: false, ...config } })
    await app.ready()
  })
  afterAll(async () => { await app?.close() })
  return () => app!
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-test-'))
  dirs.push(dir)
  return dir
}

export async function gql<T = any>(app: App, query: string, variables?: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } })
  return { status: res.statusCode, body: res.json() as { data: T, errors?: { message: string, extensions: { code: string } }[] } }
}

export async function getJson<T = any>(app: App, url: string) {
  const res = await app.inject({ method: 'GET', url })
  return { status: res.statusCode, headers: res.headers, body: res.json() as T }
}

/**
 * Waits until requests no longer share the last read of the dataset version, so the next request
 * reads it itself: statement counts then hold that one read every time, whatever the timing.
 */
export const versionReadAgain = () => new Promise((resolve) => setTimeout(resolve, VERSION_SHARED_MS + 1))

/**
 * Another process takes the database's write lock and holds it `ms` milliseconds, after running
 * `before` (SQL) on its own connection. Resolves once the lock is held, with the process's exit.
 */
export async function holdWriteLock(path: string, ms: number, before = ''): Promise<{ exited: Promise<unknown> }> {
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(${JSON.stringify(path)});
    db.pragma('foreign_keys = ON');
    ${before ? `db.exec(${JSON.stringify(before)});` : ''}
    db.exec('BEGIN IMMEDIATE'); db.prepare("UPDATE sources SET note = note WHERE 0").run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('COMMIT'); db.close();`], { stdio: ['ignore', 'pipe', 'inherit'] })
  // Listened for at once: the holder may exit before the caller's next step returns.
  const exited = new Promise((r) => holder.once('exit', r))
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
  return { exited }
}

/** An in-memory database with the seed and `events` synthetic events: what plan tests read. */
export function seededMemoryDatabase(events: number): Storage {
  const storage = openDatabase(':memory:')
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  synthesise(storage.sqlite, { events })
  return storage
}
