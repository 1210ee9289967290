import { describe, expect, it } from 'vitest'
import { bm25Of, commonPlan, indexTotals } from '../../src/modules/search/common.ts'
import { SEARCH_CANDIDATES, searchPage, snippetOf } from '../../src/modules/search/queries.ts'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp, getJson, gql } from '../helper.ts'

describe('snippets', () => {
  it('brackets every word that starts with a query word, ignoring case and diacritics', () => {
    expect(snippetOf('Talks in Yevlakh ended; yevlakh talks resume', ['yevlakh'])).toBe('Talks in [Yevlakh] ended; [yevlakh] talks resume')
    expect(snippetOf('Shelling near Ağdam and Stepanakert', ['agdam'])).toBe('Shelling near [Ağdam] and Stepanakert')
    expect(snippetOf('The ceasefires held', ['cease'])).toBe('The [ceasefires] held')
  })

  it('shows a window of words around the first hit, marking what was cut', () => {
    const text = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ').replace('w30', 'target')
    // Sixteen words: from three before the hit, moved back so that the window stays full at the end.
    const s = snippetOf(text, ['target'])
    expect(s).toBe('…w24 w25 w26 w27 w28 w29 [target] w31 w32 w33 w34 w35 w36 w37 w38 w39')
    expect(snippetOf(text, ['w5'])).toBe('…w2 w3 w4 [w5] w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17…')
  })
})

describe('ranking within a bounded set of matches', () => {
  it('ranks a word found in more records than the bound among its latest matches, and still counts all', async () => {
    const app = await buildTestApp()
    addSyntheticEvents(app.storage.sqlite, SEARCH_CANDIDATES + 100)
    const page = searchPage(app.storage.sqlite, 'synthetic', 20)
    expect(page.rows).toHaveLength(20)
    expect(page.count()).toBeGreaterThan(SEARCH_CANDIDATES)
    for (const hit of page.rows) expect(hit.snippet).toMatch(/\[Synthetic\]/)
    // Paging ends with the candidates: every hit once, in rank order.
    const seen = new Set<string>()
    let cursor = page.nextCursor
    for (const h of page.rows) seen.add(h.recordId)
    while (cursor) {
      const next = searchPage(app.storage.sqlite, 'synthetic', 200, cursor)
      for (const h of next.rows) { expect(seen.has(h.recordId)).toBe(false); seen.add(h.recordId) }
      cursor = next.nextCursor
    }
    expect(seen.size).toBe(SEARCH_CANDIDATES)
    // A rare word is ranked in full, as before.
    const rare = (await getJson(app, '/v1/search?q=yevlakh')).body.data
    expect(rare.length).toBeGreaterThan(0)
    expect(rare[0].snippet).toMatch(/\[Yevlakh\]/i)
  })
})

describe('common words by their terms', () => {
  it('finds what the prefix query finds, newest first, and counts the same', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    addSyntheticEvents(sqlite, SEARCH_CANDIDATES + 100)
    // Longer terms than the word, among the newest matches and far behind them.
    sqlite.prepare(`UPDATE events SET title = 'Synthetically made ' || id WHERE id IN ('synthetic-02090', 'synthetic-02050', 'synthetic-00003')`).run()
    sqlite.prepare(`UPDATE events SET summary = 'synthetics' WHERE id = 'synthetic-02070'`).run()
    const plan = commonPlan(sqlite, ['Synthetic'], SEARCH_CANDIDATES)
    expect(plan?.match).toBe('("synthetic" OR "synthetically" OR "synthetics")')
    const prefix = sqlite.prepare(`SELECT record_id FROM search_index WHERE search_index MATCH '"synthetic"*' ORDER BY rowid DESC LIMIT ${SEARCH_CANDIDATES}`).pluck().all() as string[]
    expect(prefix).toEqual(expect.arrayContaining(['synthetic-02090', 'synthetic-02050', 'synthetic-02070']))
    const seen: string[] = []
    let page = searchPage(sqlite, 'synthetic', 500)
    for (;;) {
      seen.push(...page.rows.map((h) => h.recordId))
      if (!page.nextCursor) break
      page = searchPage(sqlite, 'synthetic', 500, page.nextCursor)
    }
    expect(new Set(seen)).toEqual(new Set(prefix))
    expect(seen).toHaveLength(SEARCH_CANDIDATES)
    const all = sqlite.prepare(`SELECT count(*) FROM search_index WHERE search_index MATCH '"synthetic"*'`).pluck().get()
    expect(page.count()).toBe(all)
    // Ranks never go up along the pages.
    const ranks = searchPage(sqlite, 'synthetic', 200).rows.map((h) => h.rank)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
  })

  it('scores as FTS5 bm25 does when it knows how many records hold the word', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    addSyntheticEvents(sqlite, 300)
    const totals = indexTotals(sqlite)
    expect(totals.rows).toBe(sqlite.prepare('SELECT count(*) FROM search_index').pluck().get())
    for (const word of ['synthetic', 'yevlakh', 'statement']) {
      const docs = sqlite.prepare(`SELECT count(*) FROM search_index WHERE search_index MATCH ?`).pluck().get(`"${word}"`) as number
      const rows = sqlite.prepare(`SELECT title, body, bm25(search_index) AS rank FROM search_index WHERE search_index MATCH ?`).all(`"${word}"`) as { title: string | null, body: string | null, rank: number }[]
      expect(rows.length, word).toBeGreaterThan(0)
      const plan = { match: `"${word}"`, words: [word], docs: [docs] }
      for (const r of rows) expect(bm25Of(`${r.title ?? ''} ${r.body ?? ''}`, plan, totals), `${word}: ${r.title}`).toBeCloseTo(r.rank, 9)
    }
  })

  it('leaves words it cannot look up to the prefix query', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    expect(commonPlan(sqlite, ['Ağdam'], SEARCH_CANDIDATES)).toBeUndefined()
    expect(commonPlan(sqlite, ['ab'], SEARCH_CANDIDATES)).toBeUndefined()
    addSyntheticEvents(sqlite, 20)
    // Twenty events titled with twenty distinct longer terms: too many to OR.
    const rename = sqlite.prepare(`UPDATE events SET title = ? WHERE id = ?`)
    for (let i = 0; i < 20; i++) rename.run(`Synthetic${String.fromCharCode(97 + i)} event`, `synthetic-${String(i).padStart(5, '0')}`)
    expect(commonPlan(sqlite, ['synthetic'], SEARCH_CANDIDATES)).toBeUndefined()
    expect(commonPlan(sqlite, ['yevlakh'], SEARCH_CANDIDATES)?.match).toBe('"yevlakh"')
  })
})

describe('REST search pages', () => {
  it('follow each other by cursor and Link, without overlap, as GraphQL pages do', async () => {
    const app = await buildTestApp()
    const seen: string[] = []
    let url: string | null = '/v1/search?q=armenia&limit=2'
    while (url) {
      const res: { statusCode: number, headers: Record<string, unknown>, json(): any } = await app.inject(url)
      expect(res.statusCode, url).toBe(200)
      const body: any = res.json()
      expect(body.page.limit).toBe(2)
      expect(body.meta.count).toBe(body.data.length)
      seen.push(...body.data.map((h: { recordType: string, recordId: string }) => `${h.recordType}:${h.recordId}`))
      const link = res.headers.link as string | undefined
      url = body.page.nextCursor ? `/v1/search?q=armenia&limit=2&cursor=${body.page.nextCursor}` : null
      expect(link === undefined, url ?? 'last page').toBe(url === null)
      if (link) expect(link).toMatch(/^<\/v1\/search\?q=armenia&limit=2&cursor=[^>]+>; rel="next"$/)
    }
    expect(seen.length).toBeGreaterThan(2)
    expect(new Set(seen).size).toBe(seen.length)
    const all = (await gql(app, '{ search(q: "armenia", first: 100) { totalCount nodes { recordType recordId } } }')).body.data.search
    expect(seen).toEqual(all.nodes.map((h: { recordType: string, recordId: string }) => `${h.recordType.toLowerCase()}:${h.recordId}`))
    expect(all.totalCount).toBe(seen.length)
    const csv = await app.inject('/v1/search?q=armenia&limit=2&format=csv')
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.headers.link).toMatch(/rel="next"/)
    expect((await app.inject('/v1/search?q=armenia&cursor=not-a-cursor')).json().code).toBe('INVALID_CURSOR')
    await app.close()
  })
})
