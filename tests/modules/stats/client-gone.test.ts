import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../../src/app.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { tempDir } from '../../helper.ts'

describe('a client that leaves frees its stats task', () => {
  it('queued and running tasks of clients that closed their connections stop holding the pool', async () => {
    // One thread and one queue place: two heavy requests fill the pool.
    const app = await buildApp({ config: { databasePath: join(tempDir(), 'gone.db'), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, cacheMaxEntries: 0, statsWorkers: 1, statsQueueMax: 1, statsTimeoutMs: 60_000 } })
    await app.ready()
    synthesise(app.storage.sqlite, { events: 20_000 })
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      // Warm the thread, so the heavy tasks below are the only thing it does.
      expect((await fetch(`${base}/v1/stats/events?groupBy=type`)).status).toBe(200)
      // Each takes about half a second at this size.
      const heavy = ['2020-01-01', '2020-01-02'].map((from) => `${base}/v1/stats/events?groupBy=actor,period&period=day&limit=5000&from=${from}`)
      const leaving = heavy.map((url) => {
        const controller = new AbortController()
        const answered = fetch(url, { signal: controller.signal }).then(() => 'answered', () => 'abandoned')
        return { controller, answered }
      })
      await new Promise((r) => setTimeout(r, 100))
      for (const l of leaving) l.controller.abort()
      expect(await Promise.all(leaving.map((l) => l.answered))).toEqual(['abandoned', 'abandoned'])
      // The server sees the connections close within moments; the pool is then free for others.
      await new Promise((r) => setTimeout(r, 150))
      // Without the signal the abandoned tasks kept both places, running one after the other, and
      // this got 503 STATS_BUSY.
      const res = await fetch(`${base}/v1/stats/events?groupBy=type&from=2021-01-01`)
      expect(res.status, await res.text()).toBe(200)
    } finally {
      await app.close()
    }
  }, 60_000)
})
