import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { buildTestApp, tempDir } from '../../helper.ts'
import { audit, eventually, expectFull } from './documents-support.ts'

it('the background refiller skips, without waiting, while another process holds the write lock', async () => {
  const app = await buildTestApp({ databasePath: join(tempDir(), 'lock.db') })
  const sql = app.storage.sqlite
  const total = expectFull(sql).stored
  // Another process renames an actor (queuing its events' documents), then holds the lock.
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(${JSON.stringify(app.config.databasePath)});
    db.pragma('foreign_keys = ON');
    db.prepare("UPDATE actors SET name = 'Renamed elsewhere' WHERE id = 'armenia'").run();
    db.exec('BEGIN IMMEDIATE'); db.prepare("UPDATE sources SET note = note WHERE 0").run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
    db.exec('COMMIT'); db.close();`], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise((r) => holder.once('exit', r))
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
  const queued = audit(sql).queued
  expect(queued).toBeGreaterThan(0)
  // The event loop keeps turning every few milliseconds while the refiller's ticks find the lock taken.
  let longest = 0
  for (let last = performance.now(), end = last + 400; last < end;) {
    await new Promise((r) => setTimeout(r, 5))
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
  }
  expect(longest).toBeLessThan(150)
  expect(audit(sql).queued).toBe(queued)
  await exited
  await eventually(() => audit(sql).queued === 0)
  expect(expectFull(sql).stored).toBe(total)
  expect(sql.prepare(`SELECT count(*) FROM event_documents WHERE body LIKE '%Renamed elsewhere%'`).pluck().get()).toBeGreaterThan(0)
}, 20_000)
