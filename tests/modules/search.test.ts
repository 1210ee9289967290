import { describe, expect, it } from 'vitest'
import { SEARCH_CANDIDATES, searchPage, snippetOf } from '../../src/modules/search/queries.ts'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp, getJson } from '../helper.ts'

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
