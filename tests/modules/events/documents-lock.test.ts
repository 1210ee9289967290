import { join } from 'node:path'
import { expect, it } from 'vitest'
import { buildTestApp, holdWriteLock, tempDir } from '../../helper.ts'
import { audit, eventually, expectFull } from './documents-support.ts'

it('the background refiller skips, without waiting, while another process holds the write lock', async () => {
  const app = await buildTestApp({ databasePath: join(tempDir(), 'lock.db') })
  const sql = app.storage.sqlite
  const total = expectFull(sql).stored
  // Another process renames an actor (queuing its events' documents), then holds the lock.
  const { exited } = await holdWriteLock(app.config.databasePath, 700, "UPDATE actors SET name = 'Renamed elsewhere' WHERE id = 'armenia'")
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
