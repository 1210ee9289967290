import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../../seed/data.ts'
import { eventFacets } from '../../../src/modules/stats/facets.ts'
import { getJson, gql, sharedApp } from '../../helper.ts'

const app = sharedApp()

describe('facets and totals on the event list', () => {
  it('counts the whole dataset per type, place and actor, with labels and narrowing links', async () => {
    const { status, body } = await getJson(app(), '/v1/events?facets=type,place,actor&count=exact&limit=2')
    expect(status).toBe(200)
    expect(body.data).toHaveLength(2)
    expect(body.meta.total).toBe(seedData.events.length)
    expect(body.meta.facetsCutShort).toEqual([])
    const types = new Map<string, number>()
    for (const e of seedData.events) types.set(e.type, (types.get(e.type) ?? 0) + 1)
    expect(Object.fromEntries(body.meta.facets.type.map((v: any) => [v.value, v.count]))).toEqual(Object.fromEntries(types))
    const pol = body.meta.facets.type.find((v: any) => v.value === 'political_change')
    expect(pol).toMatchObject({ label: 'political change', count: 3 })
    expect(pol.href).toBe('/v1/events?facets=type%2Cplace%2Cactor&count=exact&limit=2&type=political_change')
    const narrowed = await getJson(app(), pol.href)
    expect(narrowed.body.meta.total).toBe(3)
    const az = body.meta.facets.actor.find((v: any) => v.value === 'azerbaijani-armed-forces')
    const withActor = seedData.events.filter((e) => (e.actors ?? []).some((a) => a.actor === 'azerbaijani-armed-forces')).length
    expect(az).toMatchObject({ label: 'Azerbaijani armed forces', count: withActor })
    // Facets and stats look names up with the same statement; one must not change what the other reads.
    const stats = (await getJson(app(), '/v1/stats/events?groupBy=actor')).body.data
    expect(stats.find((r: any) => r.key.actor?.id === 'azerbaijani-armed-forces').key.actor.name).toBe('Azerbaijani armed forces')
  })

  it('counts a filtered set by scanning it, the same as narrowing the list', async () => {
    const { body } = await getJson(app(), '/v1/events?from=2023-09&facets=actor,type&count=exact')
    expect(body.meta.total).toBe(body.data.length)
    for (const v of body.meta.facets.actor) {
      const narrowed = await getJson(app(), v.href)
      expect(narrowed.body.data.length, v.value).toBe(v.count)
    }
  })

  it('links a value only where the link narrows to its count: beside an actor filter, other actors have no href', async () => {
    const { body } = await getJson(app(), '/v1/events?actor=russia&facets=actor,type&count=exact&limit=1')
    const actors = body.meta.facets.actor
    expect(actors.find((v: any) => v.value === 'russia')).toMatchObject({ count: body.meta.total, href: expect.stringContaining('actor=russia') })
    const others = actors.filter((v: any) => v.value !== 'russia')
    expect(others.length).toBeGreaterThan(0)
    expect(others.every((v: any) => v.href === null)).toBe(true)
    for (const v of [...actors, ...body.meta.facets.type].filter((x: any) => x.href)) {
      const narrowed = await getJson(app(), v.href.replace('limit=1', 'limit=200'))
      expect(narrowed.body.data.length, v.value).toBe(v.count)
    }
    // The page at / shows them the same way: counted, not linked.
    const page = (await app().inject('/?actor=russia')).body
    expect(page).not.toMatch(/data-field="actor"/)
    expect(page).toMatch(/Taking part beside the chosen actor/)
  })

  it('cuts a facet short when its budget is spent, instead of slowing the page', () => {
    const sqlite = app().storage.sqlite
    const spent = eventFacets(sqlite, { from: '2000' }, ['type', 'actor'], -1)
    expect(spent.cutShort).toEqual(['type', 'actor'])
    expect(spent.values).toEqual({})
    const whole = eventFacets(sqlite, { from: '2000' }, ['type'], 1000)
    expect(whole.cutShort).toEqual([])
  })

  it.each([['facets=colour', 'facets'], ['facets=type,type', 'facets'], ['count=estimate', 'count']])('refuses %s', async (q, name) => {
    const res = await getJson(app(), `/v1/events?${q}`)
    expect(res.status).toBe(400)
    expect(res.body.errors.some((e: any) => e.parameter.startsWith(name))).toBe(true)
  })
})

describe('GraphQL eventStats and facets', () => {
  it('returns the same rows as REST, figures as a list by measure', async () => {
    const rest = (await getJson(app(), '/v1/stats/events?groupBy=period,type&period=year&from=2023')).body.data
    const { body } = await gql(app(), `{ eventStats(filter: { from: "2023" }, groupBy: [PERIOD, TYPE], period: YEAR) {
      rows { key { period periodPlaced type } events figures { measure low high best events eventsWithoutFigure } }
      pageInfo { hasNextPage } source rule } }`)
    expect(body.errors).toBeUndefined()
    const s = body.data.eventStats
    expect(s.source).toBe('summary')
    expect(s.rows.map((r: any) => [r.key.period, r.key.type.toLowerCase(), r.events])).toEqual(rest.map((r: any) => [r.key.period, r.key.type, r.events]))
    const offensive = s.rows.find((r: any) => r.key.type === 'OFFENSIVE')
    expect(offensive.figures.find((f: any) => f.measure === 'killed')).toEqual({ measure: 'killed', low: 200, high: null, best: null, events: 1, eventsWithoutFigure: 0 })
  })

  it('gives totalCount and facets on the events connection', async () => {
    const { body } = await gql(app(), `{ events(filter: { from: "2023-09" }, first: 1) { totalCount
      facets(fields: [TYPE, ACTOR]) { fields { field values { value label count } } cutShort } } }`)
    expect(body.errors).toBeUndefined()
    const e = body.data.events
    const rest = (await getJson(app(), '/v1/events?from=2023-09&facets=type,actor&count=exact')).body.meta
    expect(e.totalCount).toBe(rest.total)
    expect(e.facets.cutShort).toEqual([])
    expect(e.facets.fields.find((f: any) => f.field === 'ACTOR').values).toEqual(rest.facets.actor.map(({ href: _h, ...v }: any) => v))
  })

  it('refuses a negative figure bound and a repeated dimension with a coded error', async () => {
    const neg = await gql(app(), '{ events(filter: { minKilled: -1 }) { totalCount } }')
    expect(neg.body.errors![0]!.extensions.code).toBe('INVALID_PARAMETER')
    const twice = await gql(app(), '{ eventStats(groupBy: [TYPE, TYPE]) { source } }')
    expect(twice.body.errors![0]!.extensions.code).toBe('INVALID_PARAMETER')
  })
})

describe('docs/stats.md', () => {
  it('its GraphQL and curl examples run', async () => {
    const doc = readFileSync(new URL('../../../docs/stats.md', import.meta.url), 'utf8')
    const query = /```graphql\n([\s\S]*?)```/.exec(doc)![1]!
    const { body } = await gql(app(), query)
    expect(body.errors).toBeUndefined()
    expect(body.data.eventStats.rows[0].key.period).toBe('2023-09')
    for (const [, url] of doc.matchAll(/curl '[^']*?(\/v1\/[^']+)'/g)) {
      expect((await app().inject({ method: 'GET', url: url! })).statusCode, url).toBe(200)
    }
  })
})
