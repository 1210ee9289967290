import { execFile } from 'node:child_process'
import { chmodSync, chownSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'

const run = promisify(execFile)
const TSX = resolve('node_modules/.bin/tsx')
// Root reads and writes any file whatever its mode: the permission cases run as nobody then.
const asRoot = process.getuid?.() === 0
const NOBODY = 65534

interface Outcome { code: number, stderr: string, stdout: string }

/** Runs the real server (or a CLI) process on a database path and waits for it to give up. */
async function start(script: string, databasePath: string, dropPrivileges = false): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(TSX, [script], {
      env: { ...process.env, DATABASE_PATH: databasePath, PORT: '0', LOG_LEVEL: 'info' },
      timeout: 30_000,
      ...(dropPrivileges && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stderr: string, stdout: string }
    return { code: e.code, stderr: e.stderr, stdout: e.stdout }
  }
}

function expectOneLine(o: Outcome, path: string, cause: RegExp) {
  expect(o.code, o.stderr).not.toBe(0)
  expect(typeof o.code).toBe('number')
  const lines = o.stderr.trimEnd().split('\n')
  expect(lines, o.stderr).toHaveLength(1)
  expect(lines[0]).toContain(path)
  expect(lines[0]).toMatch(cause)
  expect(o.stderr + o.stdout).not.toMatch(/\n\s+at /)
}

function migrated(dir: string, name: string): string {
  const path = join(dir, name)
  const storage = openDatabase(path)
  migrateDatabase(storage.db)
  storage.close()
  return path
}

/** A folder that the unprivileged user of the test can enter, holding files it owns when asked. */
// Not the helper's temporary folders: those go after each test, and these tests run side by side.
const dirs: string[] = []
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

function sandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'timeline-startup-'))
  dirs.push(dir)
  chmodSync(dir, 0o755)
  return dir
}

describe('start-up with a database that cannot be used', () => {
  it.concurrent.each([
    ['a directory', (dir: string) => { const p = join(dir, 'db'); mkdirSync(p); return p }, /is a directory/],
    ['a file that is not SQLite', (dir: string) => { const p = join(dir, 'junk.db'); writeFileSync(p, Buffer.alloc(8192, 0x5a)); return p }, /not a SQLite database/],
    ['a SQLite file damaged past its first pages', (dir: string) => {
      const p = migrated(dir, 'damaged.db')
      const fd = openSync(p, 'r+')
      const size = statSync(p).size
      writeSync(fd, Buffer.alloc(size - 8192, 0xa5), 0, size - 8192, 8192)
      closeSync(fd)
      return p
    }, /corrupt|malformed|not a SQLite/],
    ['a path through a file', (dir: string) => { const f = join(dir, 'plain'); writeFileSync(f, 'x'); return join(f, 'db.sqlite') }, /not a directory/],
  ])('%s: the server exits non-zero with one line naming the path and the cause', async (_label, make, cause) => {
    const path = make(sandbox())
    expectOneLine(await start('src/server.ts', path), path, cause)
  }, 60_000)

  it.concurrent.each([
    ['an unreadable', 0o000, /cannot be read|permission denied/],
    ['a read-only', 0o444, /read-only/],
  ])('%s file: the server exits non-zero with one line naming the path and the cause', async (_label, mode, cause) => {
    const dir = sandbox()
    const path = join(dir, 'timeline.db')
    copyFileSync(migrated(dir, 'source.db'), path)
    if (asRoot) chownSync(path, NOBODY, NOBODY)
    chmodSync(path, mode)
    expectOneLine(await start('src/server.ts', path, true), path, cause)
  }, 60_000)

  it.concurrent('a command-line tool says the same in one line', async () => {
    const dir = sandbox()
    const path = join(dir, 'db')
    mkdirSync(path)
    for (const cli of ['src/cli/migrate.ts', 'src/cli/seed.ts']) {
      const o = await start(cli, path)
      expectOneLine(o, path, /is a directory/)
      expect(o.code).toBe(1)
    }
  }, 60_000)
})
