import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, gql, sharedApp } from '../../helper.ts'

const app = sharedApp()

describe('GET /v1/stats/events', () => {
  it('states September 2023\'s killed figures on the seed', async () => {
    const { status, body } = await getJson(app(), '/v1/stats/events?groupBy=period&period=month&from=2023-09&to=2023-09')
    expect(status).toBe(200)
    expect(body.data).toHaveLength(1)
    const [row] = body.data
    expect(row.key).toEqual({ period: '2023-09', periodPlaced: true })
    // One event carries the killed figures: the offensive, with "at least 200 people" (low 200, no
    // upper bound) and the five peacekeepers the report says died in that attack (exactly 5). The
    // 200 may include the five, so they are not added: the sure lower bound is 200, and 205 holds
    // only if the two counted different people. "At least 200" is open-ended, so there is no upper
    // bound. The only best given, 5, is below the sure 200: it estimates part of the toll, so the
    // event has no best. The other events of the month give no killed figure and are counted as
    // such, not as zero.
    expect(row.figures.killed).toEqual({
      events: 1, eventsWithoutFigure: row.events - 1,
      low: 200, lowEvents: 1, lowIfDisjoint: 205,
      high: null, openEndedEvents: 1, best: null, bestEvents: 0,
    })
    expect(row.events).toBe(11)
    expect(body.meta).toMatchObject({ groupBy: ['period'], period: 'month', source: 'summary' })
    expect(body.meta.rule).toContain('Distinct events add')
  })

  it('gives the same figures from the summary table and from the events themselves', async () => {
    const viaSummary = (await getJson(app(), '/v1/stats/events?groupBy=period,type&period=quarter')).body
    // A one-day `to` bound past the data forces no change of set, only the path: updatedSince reads events.
    const viaEvents = (await getJson(app(), '/v1/stats/events?groupBy=period,type&period=quarter&updatedSince=2000-01-01')).body
    expect(viaSummary.meta.source).toBe('summary')
    expect(viaEvents.meta.source).toBe('events')
    expect(viaEvents.data).toEqual(viaSummary.data)
  })

  it('keeps events dated only to a month out of days and weeks, and says so in the key', async () => {
    const { body } = await getJson(app(), '/v1/stats/events?groupBy=period&period=week&from=2023-09&to=2023-09')
    const coarse = body.data.find((r: any) => r.key.periodPlaced === false)
    expect(coarse.key.period).toBe('2023-09')
    // Known only to September: the exodus's start, the separatist leader's remark and Pashinyan's address.
    expect(coarse.events).toBe(3)
    const weeks = body.data.filter((r: any) => r.key.periodPlaced)
    // 19 to 24 September 2023 is Tuesday to Sunday of ISO week 38 (weeks start on Monday).
    expect(weeks.map((r: any) => r.key.period)).toEqual(['2023-W38'])
    expect(weeks.reduce((n: number, r: any) => n + r.events, 0) + coarse.events).toBe(11)
    const year = (await getJson(app(), '/v1/stats/events?groupBy=period&period=year&from=2023&to=2023')).body
    expect(year.data).toEqual([expect.objectContaining({ key: { period: '2023', periodPlaced: true }, events: 11 })])
  })

  it('groups by actor, place and country with names, and pages the groups in key order', async () => {
    const all = (await getJson(app(), '/v1/stats/events?groupBy=actor,type&limit=5000')).body.data
    const paged: any[] = []
    let url: string | null = '/v1/stats/events?groupBy=actor,type&limit=3'
    while (url) {
      const res: { status: number, body: any } = await getJson(app(), url)
      expect(res.status).toBe(200)
      paged.push(...res.body.data)
      url = res.body.page.nextCursor ? `/v1/stats/events?groupBy=actor,type&limit=3&cursor=${res.body.page.nextCursor}` : null
    }
    expect(paged).toEqual(all)
    const azerbaijan = all.filter((r: any) => r.key.actor?.id === 'azerbaijani-armed-forces')
    expect(azerbaijan[0].key.actor.name).toBe('Azerbaijani armed forces')
    const places = (await getJson(app(), '/v1/stats/events?groupBy=place')).body.data
    expect(places.find((r: any) => r.key.place?.id === 'nagorno-karabakh').key.place.name).toMatch(/Karabakh/)
    const countries = (await getJson(app(), '/v1/stats/events?groupBy=country')).body.data
    expect(countries.reduce((n: number, r: any) => n + r.events, 0)).toBe(16)
    // Every country has its name: the seed's own country place, or the code's English name where
    // the dataset has a town of the country but not the country itself (Moscow's RU).
    const named = Object.fromEntries(countries.filter((r: any) => r.key.country).map((r: any) => [r.key.country.code, r.key.country.name]))
    expect(named).toMatchObject({ AZ: 'Azerbaijan', RU: 'Russia' })
    expect(Object.values(named).every((name) => typeof name === 'string' && name.length > 0)).toBe(true)
  })

  it('fills each page with groups that have events, also where a write left summary rows at zero', async () => {
    const own = await buildTestApp()
    const pages = async (query: string, limit: number) => {
      const all = (await getJson(own, `/v1/stats/events?${query}&limit=5000`)).body.data
      const paged: any[] = []
      let cursor: string | null = null
      do {
        const res: { status: number, body: any } = await getJson(own, `/v1/stats/events?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        expect(res.status).toBe(200)
        cursor = res.body.page.nextCursor
        // A page offering another is full; no row is a group without events.
        if (cursor) expect(res.body.data).toHaveLength(limit)
        expect(res.body.data.every((r: any) => r.events > 0)).toBe(true)
        paged.push(...res.body.data)
      } while (cursor)
      expect(paged).toEqual(all)
      return all
    }
    for (const limit of [1, 2, 5]) {
      // The seeded actor summary holds rows of no actor at zero events.
      await pages('groupBy=actor', limit)
      await pages('groupBy=actor,period&period=year', limit)
      await pages('groupBy=type&from=2023-09-20&to=2023-09-20', limit)
    }
    const id = 'russian-peacekeepers-killed-2023-09'
    const etag = (await own.inject(`/v1/events/${id}`)).headers.etag as string
    const admin = { authorization: `Bearer ${createKey(own.storage.sqlite, 'stats test', 'admin').key}` }
    const moved = await own.inject({ method: 'PATCH', url: `/v1/events/${id}`, headers: { ...admin, 'if-match': etag }, payload: { start: '2023-09-22' } })
    expect(moved.statusCode).toBe(200)
    for (const limit of [1, 2]) {
      const day = await pages('groupBy=type&from=2023-09-20&to=2023-09-20', limit)
      expect(day.some((r: any) => r.key.type === 'attack')).toBe(false)
      await pages('groupBy=period,type&period=day&from=2023-09', limit)
    }
    const first = await gql(own, '{ eventStats(groupBy: [ACTOR], first: 1) { rows { events } pageInfo { hasNextPage } } }')
    expect(first.body.data.eventStats.rows).toHaveLength(1)
    expect(first.body.data.eventStats.rows[0].events).toBeGreaterThan(0)
    await own.close()
  })

  it('filters by figures: at least / at most N killed', async () => {
    const atLeast = (await getJson(app(), '/v1/events?minKilled=100')).body.data.map((e: any) => e.id)
    expect(atLeast).toEqual(['azerbaijani-offensive-2023-09'])
    // "At least 200" has no upper bound, so it is not known to be at most 1,000.
    expect((await getJson(app(), '/v1/events?maxKilled=1000')).body.data).toEqual([])
    // "A total of 377" arrivals is exactly 377: at most 400.
    const atMost = (await getJson(app(), '/v1/events?maxDisplaced=400')).body.data.map((e: any) => e.id)
    expect(atMost).toEqual(['refugees-arrive-southern-armenia'])
    // The same beside a date filter, where each event is probed instead of listed from the index.
    expect((await getJson(app(), '/v1/events?from=2023&minKilled=100')).body.data.map((e: any) => e.id)).toEqual(atLeast)
    expect((await getJson(app(), '/v1/events?from=2023&maxKilled=1000')).body.data).toEqual([])
    expect((await getJson(app(), '/v1/events?from=2023&maxDisplaced=400')).body.data.map((e: any) => e.id)).toEqual(atMost)
    const stats = (await getJson(app(), '/v1/stats/events?groupBy=&minKilled=1')).body.data
    expect(stats[0].events).toBe(1)
    expect((await getJson(app(), '/v1/events?minDisplaced=100')).body.data.map((e: any) => e.id)).toEqual(['refugees-arrive-southern-armenia'])
  })

  it('applies figure ranges to exports: the slice holds the matching events and their figures', async () => {
    const res = await app().inject({ method: 'GET', url: '/v1/export?format=ndjson&minKilled=100' })
    expect(res.statusCode).toBe(200)
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.filter((l) => l.type === 'event').map((l) => l.data.id)).toEqual(['azerbaijani-offensive-2023-09'])
    expect(lines.filter((l) => l.type === 'casualty_report').map((l) => l.data.id).sort()).toEqual(['offensive-injured-more-than-400', 'offensive-killed-at-least-200', 'peacekeepers-killed-five'])
  })

  it('bounds the old casualty summary: one row per group and a link to its reports, never their ids', async () => {
    const { body } = await getJson(app(), '/v1/casualty-reports/summary?from=2023')
    const killed = body.data.find((r: any) => r.outcome === 'killed' && r.victimGroup === 'people')
    expect(killed).not.toHaveProperty('reportIds')
    expect(killed.reports).toBe('/v1/casualty-reports?from=2023&outcome=killed&victimGroup=people')
    const listed = (await getJson(app(), killed.reports)).body.data
    expect(listed.map((r: any) => r.id)).toEqual(['offensive-killed-at-least-200'])
    expect(killed.reportCount).toBe(listed.length)
  })

  it('returns only the measures asked for, in JSON and CSV', async () => {
    const { body } = await getJson(app(), '/v1/stats/events?groupBy=period&period=year&measures=killed,arrived')
    expect(Object.keys(body.data[0].figures)).toEqual(['killed', 'arrived'])
    const csv = await app().inject({ method: 'GET', url: '/v1/stats/events?groupBy=&measures=injured&format=csv' })
    expect(csv.body.split('\r\n')[0]).toBe('\ufeffevents,injured_events,injured_events_without_figure,injured_low,injured_low_if_disjoint,injured_high,injured_best')
    expect((await getJson(app(), '/v1/stats/events?measures=wounded')).status).toBe(400)
  })

  it('answers CSV with key and figure columns', async () => {
    const res = await app().inject({ method: 'GET', url: '/v1/stats/events?groupBy=period,type&period=year&format=csv' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/csv/)
    const rows = parse(res.body.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[]
    expect(Object.keys(rows[0]!).slice(0, 6)).toEqual(['period', 'period_placed', 'type', 'events', 'killed_events', 'killed_events_without_figure'])
    const offensive = rows.find((r) => r.period === '2023' && r.type === 'offensive')!
    expect(offensive.killed_low).toBe('200')
  })

  it.each([
    ['groupBy=colour', 'groupBy'], ['groupBy=type,type', 'groupBy'], ['period=fortnight', 'period'],
    ['limit=0', 'limit'], ['minKilled=-1', 'minKilled'], ['cursor=abc', 'cursor'],
  ])('refuses %s with a 400 naming it', async (query, name) => {
    const res = await getJson(app(), `/v1/stats/events?${query}`)
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toMatch(/problem\+json/)
    expect(res.body.code).toMatch(/VALIDATION_FAILED|INVALID_CURSOR/)
    expect(JSON.stringify(res.body)).toContain(name === 'cursor' ? 'cursor' : name)
  })
})

describe('stats and facets selected by words or an actor', () => {
  // Alone, words and an actor are read through the covering id index; beside a date range the
  // planner picks the path. A range wider than the data selects the same events either way.
  for (const filter of ['q=ceasefire', 'q=karabakh', 'actor=azerbaijan']) {
    it(`gives the same rows for ${filter} with and without a date range`, async () => {
      for (const groupBy of ['type', 'period,place', 'actor']) {
        const alone = (await getJson(app(), `/v1/stats/events?groupBy=${groupBy}&${filter}`)).body
        const ranged = (await getJson(app(), `/v1/stats/events?groupBy=${groupBy}&${filter}&from=1900&to=2100`)).body
        expect(alone.data.length).toBeGreaterThan(0)
        expect(alone.data).toEqual(ranged.data)
      }
      // Without the links, which name the list's own filters.
      const counts = async (url: string) => Object.fromEntries(Object.entries((await getJson(app(), url)).body.meta.facets as Record<string, { value: string, count: number }[]>)
        .map(([field, values]) => [field, values.map(({ value, count }) => ({ value, count }))]))
      const facets = await counts(`/v1/events?facets=type,place,actor&${filter}`)
      const rangedFacets = await counts(`/v1/events?facets=type,place,actor&${filter}&from=1900&to=2100`)
      expect(Object.keys(facets)).toEqual(['type', 'place', 'actor'])
      expect(facets).toEqual(rangedFacets)
    })
  }
})

describe('stats without a grouping', () => {
  const app = sharedApp()
  it('answer one row over the whole selection, an empty selection included, over REST, CSV and GraphQL', async () => {
    const { body } = await getJson(app(), '/v1/stats/events?groupBy=&from=2030')
    expect(body.data).toHaveLength(1)
    expect(body.data[0]).toMatchObject({ key: {}, events: 0 })
    expect(body.data[0].figures.killed).toEqual({ events: 0, eventsWithoutFigure: 0, low: null, lowEvents: 0, lowIfDisjoint: null, high: null, openEndedEvents: 0, best: null, bestEvents: 0 })
    const csv = (await app().inject('/v1/stats/events?groupBy=&from=2030&format=csv')).body.trim().split('\r\n')
    expect(csv).toHaveLength(2)
    const g = await gql(app(), '{ eventStats(filter: { from: "2030" }, groupBy: []) { rows { events } } }')
    expect(g.body.data.eventStats.rows).toEqual([{ events: 0 }])
  })
})
