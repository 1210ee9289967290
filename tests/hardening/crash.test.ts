import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { tempDir } from '../helper.ts'

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
})

describe('crash safety', () => {
  it('a server killed with SIGKILL during writes loses no acknowledged write and leaves a sound database', async () => {
    const dbPath = join(tempDir(), 'crash.db')
    const setup = openDatabase(dbPath)
    migrateDatabase(setup.db)
    seedDatabase(setup.sqlite, seedData)
    const key = createKey(setup.sqlite, 'crash writer', 'editor').key
    setup.close()

    const port = await freePort()
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: String(port), DATABASE_PATH: dbPath, LOG_LEVEL: 'fatal', RATE_LIMIT_MAX: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const exited = new Promise((r) => server.once('exit', r))
    let stderr = ''
    server.stderr!.on('data', (d) => { stderr += String(d) })
    const base = `http://127.0.0.1:${port}`
    let up = false
    for (let i = 0; i < 600 && !up; i++) {
      try { up = (await fetch(`${base}/ready`)).ok } catch { await new Promise((r) => setTimeout(r, 50)) }
    }
    expect(up, stderr).toBe(true)

    const acknowledged: string[] = []
    let n = 0
    const writer = async () => {
      for (;;) {
        const name = `Crash Test Actor ${n++}`
        try {
          const res = await fetch(`${base}/v1/actors`, {
            method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ name, kind: 'armed_group', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 3 }] }),
          })
          if (res.status === 201) acknowledged.push(((await res.json()) as { data: { id: string } }).data.id)
          else throw new Error(`unexpected ${res.status}`)
        } catch (err) {
          if ((err as Error).message.startsWith('unexpected')) throw err
          return // the server is gone
        }
      }
    }
    let running = 4
    const writers = [writer(), writer(), writer(), writer()].map((w) => w.finally(() => { running-- }))
    while (acknowledged.length < 150 && running > 0) await new Promise((r) => setTimeout(r, 10))
    expect(acknowledged.length, stderr).toBeGreaterThanOrEqual(150)
    server.kill('SIGKILL')
    await Promise.all(writers)
    await exited

    const after = openDatabase(dbPath)
    expect(after.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(after.sqlite.prepare('PRAGMA foreign_key_check').all()).toEqual([])
    const stored = new Set(after.sqlite.prepare(`SELECT id FROM actors WHERE name LIKE 'Crash Test Actor %'`).pluck().all() as string[])
    for (const id of acknowledged) expect(stored.has(id), id).toBe(true)
    // Each stored actor came with its citation and its revision: no write was half done.
    const orphans = after.sqlite.prepare(`SELECT count(*) FROM actors a WHERE a.name LIKE 'Crash Test Actor %'
      AND (NOT EXISTS (SELECT 1 FROM citations c WHERE c.record_type = 'actor' AND c.record_id = a.id)
        OR NOT EXISTS (SELECT 1 FROM revisions r WHERE r.record_type = 'actor' AND r.record_id = a.id))`).pluck().get()
    expect(orphans).toBe(0)
    after.close()
  }, 60_000)
})
