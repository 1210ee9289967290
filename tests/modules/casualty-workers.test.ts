import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// Casualty reports by update time beside an outcome or group are read on the stats workers, page
// and presentation: each report of such a page lies apart in the file, seconds on a cold one at a
// million events. The workers must answer what the event loop answers.
describe('casualty report lists by update time and outcome on the workers', () => {
  it('answer as the event loop does, and go through the pool', async () => {
    const path = join(tempDir(), 'casualties.db')
    const workers = await buildTestApp({ databasePath: path, statsWorkers: 1, statsQueueMax: 1 })
    const inline = await buildTestApp({ databasePath: path, statsWorkers: 0, seedOnStart: false })
    synthesise(inline.storage.sqlite, { events: 2500 })
    const first = await workers.inject('/v1/casualty-reports?outcome=killed&updatedSince=2000-01-01&limit=5')
    expect(first.statusCode).toBe(200)
    expect(first.json().data).toHaveLength(5)
    const next = new URL(first.headers.link!.toString().match(/<([^>]+)>/)![1]!, 'http://x')
    for (const url of ['/v1/casualty-reports?outcome=killed&updatedSince=2000-01-01&limit=5', `/v1/casualty-reports${next.search}`,
      '/v1/casualty-reports?victimGroup=civilians&updatedSince=2000-01-01&limit=4&format=csv', '/v1/casualty-reports?outcome=injured&updatedSince=2999-01-01',
      '/v1/casualty-reports?outcome=killed&limit=3']) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.headers.link, url).toBe(b.headers.link)
    }
    // One thread and room for one waiting task refuse part of a burst; without updatedSince the
    // list stays on the event loop and never meets the bound.
    const burst = (q: string) => Promise.all(Array.from({ length: 8 }, (_, i) => workers.inject(`/v1/casualty-reports?${q}&limit=${40 - i}`)))
    expect((await burst('outcome=killed&updatedSince=2000-01-01')).map((r) => r.statusCode)).toContain(503)
    expect((await burst('outcome=killed')).every((r) => r.statusCode === 200)).toBe(true)
    await workers.close()
    await inline.close()
  })
})
