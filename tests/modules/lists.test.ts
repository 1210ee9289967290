import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { getJson, gql, sharedApp } from '../helper.ts'

const app = sharedApp()

/** Follows Link: rel="next" until the end, collecting ids. */
async function walk(url: string): Promise<string[]> {
  const ids: string[] = []
  let next: string | null = url
  while (next) {
    const res = await getJson(app(), next)
    expect(res.status).toBe(200)
    ids.push(...res.body.data.map((r: { id: string }) => r.id))
    const link = res.headers.link as string | undefined
    next = link ? /<([^>]+)>; rel="next"/.exec(link)![1]! : null
    expect(next === null).toBe(res.body.page.nextCursor === null)
  }
  return ids
}

describe('lists', () => {
  it.each(['/v1/events', '/v1/events?sort=-date', '/v1/events?sort=updated', '/v1/actors', '/v1/places', '/v1/statements', '/v1/casualty-reports'])(
    'cursor pagination over %s walks the whole set with no duplicates or gaps', async (base) => {
      const all = (await getJson(app(), `${base}${base.includes('?') ? '&' : '?'}limit=200`)).body.data.map((r: { id: string }) => r.id)
      const paged = await walk(`${base}${base.includes('?') ? '&' : '?'}limit=2`)
      expect(paged).toEqual(all)
      expect(new Set(paged).size).toBe(paged.length)
    })

  it('writes the next link as the request with its cursor replaced, one cursor, the other parameters kept', async () => {
    const first = await getJson(app(), '/v1/events?limit=1&sort=date&from=2023-09')
    const cursor = first.body.page.nextCursor as string
    expect(first.headers.link).toBe(`</v1/events?limit=1&sort=date&from=2023-09&cursor=${cursor}>; rel="next"`)
    // The cursor is replaced where it stands, whether or not its name is spelled encoded.
    const again = await getJson(app(), `/v1/events?%63ursor=${cursor}&limit=1&sort=date&from=2023-09`)
    const after = again.body.page.nextCursor as string
    expect(after).not.toBe(cursor)
    expect(again.headers.link).toBe(`</v1/events?cursor=${after}&limit=1&sort=date&from=2023-09>; rel="next"`)
    // Characters a Link header cannot carry as they are come out encoded; an encoded space stays so.
    expect((await getJson(app(), '/v1/events?limit=1&q=Armenia<"')).headers.link).toMatch(/^<\/v1\/events\?limit=1&q=Armenia%3C%22&cursor=[\w-]+>; rel="next"$/)
    expect((await getJson(app(), '/v1/events?limit=1&q=Armenia%20Azerbaijan')).headers.link).toMatch(/^<\/v1\/events\?limit=1&q=Armenia%20Azerbaijan&cursor=[\w-]+>; rel="next"$/)
  })

  it('sorts events by date and the reverse', async () => {
    const asc = (await getJson(app(), '/v1/events?limit=200')).body.data.map((e: any) => e.startSortKey)
    expect([...asc].sort()).toEqual(asc)
    const desc = (await getJson(app(), '/v1/events?limit=200&sort=-date')).body.data.map((e: any) => e.startSortKey)
    expect(desc).toEqual([...asc].reverse())
  })

  it('filters by date range, type, actor, role, place and text, the same in GraphQL', async () => {
    const cases: [string, string, (e: (typeof seedData.events)[number]) => boolean][] = [
      ['from=2023-09-20&to=2023-09-21', '{ from: "2023-09-20", to: "2023-09-21" }', (e) => e.start.slice(0, 10) >= '2023-09-20' && e.start.slice(0, 10) <= '2023-09-21'],
      ['type=offensive,ceasefire', '{ type: [OFFENSIVE, CEASEFIRE] }', (e) => ['offensive', 'ceasefire'].includes(e.type)],
      ['actor=nikol-pashinyan', '{ actor: "nikol-pashinyan" }', (e) => e.actors!.some((a) => a.actor === 'nikol-pashinyan')],
      ['actor=azerbaijan&role=initiator', '{ actor: "azerbaijan", role: INITIATOR }', (e) => e.actors!.some((a) => a.actor === 'azerbaijan' && a.role === 'initiator')],
      ['place=yevlakh', '{ place: "yevlakh" }', (e) => e.place === 'yevlakh'],
    ]
    for (const [qs, filter, pred] of cases) {
      const rest = (await getJson(app(), `/v1/events?limit=200&${qs}`)).body.data.map((e: any) => e.id).sort()
      const expected = seedData.events.filter(pred).map((e) => e.id).sort()
      expect(rest, qs).toEqual(expected)
      expect(expected.length, qs).toBeGreaterThan(0)
      const g = (await gql(app(), `{ events(first: 200, filter: ${filter}) { nodes { id: recordId } totalCount } }`)).body.data.events
      expect(g.nodes.map((e: any) => e.id).sort(), filter).toEqual(expected)
      expect(g.totalCount).toBe(expected.length)
    }
  })

  it('finds places and actors by any of their names', async () => {
    expect((await getJson(app(), '/v1/places?q=Yevlach')).body.data.map((p: any) => p.id)).toEqual(['yevlakh'])
    expect((await getJson(app(), '/v1/actors?q=hajiyev')).body.data.map((a: any) => a.id)).toEqual(['hikmet-hajiyev'])
    expect((await getJson(app(), '/v1/actors?q=100%25')).body.data).toEqual([])
  })

  it('full-text search finds events and statements', async () => {
    const events = (await getJson(app(), '/v1/events?q=ceasefire')).body.data.map((e: any) => e.id)
    expect(events).toContain('ceasefire-2023-09-20')
    const hits = (await getJson(app(), '/v1/search?q=amnesty')).body.data
    expect(hits.some((h: any) => h.recordType === 'statement' && h.recordId === 'hajiyev-general-amnesty')).toBe(true)
    const g = (await gql(app(), '{ search(q: "amnesty") { nodes { recordType recordId } } }')).body.data.search.nodes
    expect(g.some((h: any) => h.recordId === 'hajiyev-general-amnesty' && h.recordType === 'STATEMENT')).toBe(true)
  })

  it('serves CSV by ?format=csv and by Accept, parseable, with formula cells neutralised', async () => {
    for (const req of [{ url: '/v1/casualty-reports?format=csv', headers: {} }, { url: '/v1/casualty-reports', headers: { accept: 'text/csv' } }]) {
      const res = await app().inject({ method: 'GET', ...req })
      expect(res.headers['content-type']).toMatch(/^text\/csv/)
      const rows = parse(res.body, { columns: true, bom: true }) as Record<string, string>[]
      const killed = rows.find((r) => r.id === 'offensive-killed-at-least-200')!
      expect(killed).toMatchObject({ low: '200', high: '', qualifier: 'at_least', reported_phrase: 'At least 200 people were killed' })
      expect(killed.sources).toContain('Financial Times 2023-09-24, para. 4')
    }
  })

  it('answers If-None-Match with 304 and changes nothing else', async () => {
    const first = await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20' })
    expect(first.headers.etag).toMatch(/^"v1-json"$/)
    expect(first.headers['cache-control']).toContain('max-age')
    const again = await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20', headers: { 'if-none-match': first.headers.etag as string } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    const csv = await app().inject({ method: 'GET', url: '/v1/events?format=csv', headers: { 'if-none-match': first.headers.etag as string } })
    expect(csv.statusCode).toBe(200)
  })

  it('embeds what a reader needs in a single event', async () => {
    const e = (await getJson(app(), '/v1/events/exodus-from-nagorno-karabakh-begins')).body.data
    expect(e.place).toMatchObject({ id: 'nagorno-karabakh' })
    expect(e.place.latitude).toBeTypeOf('number')
    expect(e.actors.length).toBeGreaterThan(0)
    expect(e.citations.length).toBeGreaterThan(0)
    expect(e.displacementCounts.map((d: any) => d.best)).toContain(120000)
  })
})
