import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// Casualty reports filtered by outcome, group, actor or update time are read on the stats workers,
// page and presentation: each report of such a page lies apart in the file, seconds on a cold one
// at a million events. The workers must answer what the event loop answers.
describe('casualty report lists by outcome, group, actor or update time on the workers', () => {
  it('answer as the event loop does, and go through the pool', async () => {
    const path = join(tempDir(), 'casualties.db')
    const workers = await buildTestApp({ databasePath: path, statsWorkers: 1, statsQueueMax: 1 })
    const inline = await buildTestApp({ databasePath: path, statsWorkers: 0, seedOnStart: false })
    synthesise(inline.storage.sqlite, { events: 2500 })
    const actor = inline.storage.sqlite.prepare(`SELECT reported_by_id FROM casualty_reports WHERE reported_by_id IS NOT NULL
      GROUP BY reported_by_id ORDER BY count(*) DESC LIMIT 1`).pluck().get() as string
    const first = await workers.inject('/v1/casualty-reports?outcome=killed&updatedSince=2000-01-01&limit=5')
    expect(first.statusCode).toBe(200)
    expect(first.json().data).toHaveLength(5)
    const next = new URL(first.headers.link!.toString().match(/<([^>]+)>/)![1]!, 'http://x')
    for (const url of ['/v1/casualty-reports?outcome=killed&updatedSince=2000-01-01&limit=5', `/v1/casualty-reports${next.search}`,
      '/v1/casualty-reports?victimGroup=civilians&updatedSince=2000-01-01&limit=4&format=csv', '/v1/casualty-reports?outcome=injured&updatedSince=2999-01-01',
      '/v1/casualty-reports?outcome=killed&limit=3', '/v1/casualty-reports?victimGroup=civilians&from=2021-01&limit=7',
      `/v1/casualty-reports?actor=${actor}&limit=6`, `/v1/casualty-reports?actor=${actor}&outcome=killed&format=csv`]) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.headers.link, url).toBe(b.headers.link)
    }
    // One thread and room for one waiting task refuse part of a burst; a date range alone stays on
    // the event loop and never meets the bound.
    const burst = (q: string) => Promise.all(Array.from({ length: 8 }, (_, i) => workers.inject(`/v1/casualty-reports?${q}&limit=${40 - i}`)))
    expect((await burst('outcome=killed&updatedSince=2000-01-01')).map((r) => r.statusCode)).toContain(503)
    expect((await burst('outcome=killed')).map((r) => r.statusCode)).toContain(503)
    expect((await burst('from=2021-01-01')).every((r) => r.statusCode === 200)).toBe(true)
    await workers.close()
    await inline.close()
  })
})
