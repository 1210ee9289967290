import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// The page's list with every detail, its map and its heading are read on the stats workers: a
// year at a million events held the event loop 86 ms the first time. The page must be the one the
// event loop would draw, and the loop's own connection must run next to nothing for it.
describe('the page at / read on the stats workers', () => {
  const VIEWS = ['/', '/?from=2021&to=2021', '/?type=attack,displacement', '/?from=2022-03&to=2022-05&type=statement']

  it('draws what the event loop draws, with a handful of statements on the loop', async () => {
    const path = join(tempDir(), 'page.db')
    const workers = await buildTestApp({ databasePath: path, statsWorkers: 1, cacheMaxEntries: 0, warmUp: false })
    const inline = await buildTestApp({ databasePath: path, statsWorkers: 0, seedOnStart: false, cacheMaxEntries: 0, warmUp: false })
    synthesise(inline.storage.sqlite, { events: 2500 })
    for (const url of VIEWS) {
      const before = workers.storage.statements.count
      const a = await workers.inject({ url })
      const onLoop = workers.storage.statements.count - before
      const b = await inline.inject({ url })
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.body, url).toContain('<li')
      // Drawn inline, the same page runs dozens (the list's details, places, sources, counts).
      const inlineBefore = inline.storage.statements.count
      await inline.inject({ url })
      expect(inline.storage.statements.count - inlineBefore, url).toBeGreaterThan(10)
      expect(onLoop, url).toBeLessThanOrEqual(2)
    }
    // The next page through the list's cursor, and a cursor that is not one.
    const next = /href="(\/\?[^"]*after=[^"]+)"/.exec((await workers.inject({ url: '/?from=2021&to=2021' })).body)?.[1]?.replaceAll('&amp;', '&')
    expect(next).toBeDefined()
    const [a, b] = [await workers.inject({ url: next! }), await inline.inject({ url: next! })]
    expect(a.statusCode).toBe(200)
    expect(a.body).toBe(b.body)
    const bad = await workers.inject({ url: '/?after=not-a-cursor' })
    expect(bad.statusCode).toBe(400)
    await workers.close()
    await inline.close()
  })
})
