import { describe, expect, it } from 'vitest'
import { gql, sharedApp } from './helper.ts'
import { createKey } from '../src/modules/keys/queries.ts'

const app = sharedApp()

describe('bad input gets a 4xx problem+json naming the problem', () => {
  it.each([
    ['/v1/events?colour=red', 400, 'VALIDATION_FAILED', /colour/],
    ['/v1/events?from=2023-13-45', 400, 'VALIDATION_FAILED', /from/],
    ['/v1/events?from=yesterday', 400, 'VALIDATION_FAILED', /from/],
    ['/v1/events?limit=5000', 400, 'VALIDATION_FAILED', /limit/],
    ['/v1/events?limit=0', 400, 'VALIDATION_FAILED', /limit/],
    ['/v1/events?limit=ten', 400, 'VALIDATION_FAILED', /limit/],
    // Whole numbers are decimal digits alone, not whatever JavaScript reads as a number.
    ['/v1/events?limit=1e2', 400, 'VALIDATION_FAILED', /limit: expected a whole number written in decimal digits/],
    ['/v1/events?limit=0x10', 400, 'VALIDATION_FAILED', /limit: expected a whole number/],
    ['/v1/events?limit=%205', 400, 'VALIDATION_FAILED', /limit: expected a whole number/],
    ['/v1/events?minKilled=', 400, 'VALIDATION_FAILED', /minKilled: expected a whole number/],
    ['/v1/changes?since=1.0', 400, 'VALIDATION_FAILED', /since: expected a whole number/],
    ['/v1/stats/events?groupBy=type&limit=Infinity', 400, 'VALIDATION_FAILED', /limit: expected a whole number/],
    ['/v1/events?type=picnic', 400, 'VALIDATION_FAILED', /type/],
    ['/v1/events?sort=colour', 400, 'VALIDATION_FAILED', /sort/],
    ['/v1/events?cursor=not-a-cursor', 400, 'INVALID_CURSOR', /cursor/],
    ['/v1/events?q=%22%22', 400, 'INVALID_PARAMETER', /q/],
    ['/v1/events/no-such-event', 404, 'NOT_FOUND', /no-such-event/],
    ['/v1/actors/nobody', 404, 'NOT_FOUND', /nobody/],
    ['/v1/actors/nobody/events', 404, 'NOT_FOUND', /nobody/],
    ['/v1/casualty-reports?outcome=bored', 400, 'VALIDATION_FAILED', /outcome/],
    ['/v1/places?country=ARM', 400, 'VALIDATION_FAILED', /country/],
    ['/v1/search', 400, 'VALIDATION_FAILED', /q/],
    ['/v1/nothing-here', 404, 'ROUTE_NOT_FOUND', /nothing-here/],
  ])('GET %s -> %i %s', async (url, status, code, names) => {
    const res = await app().inject({ method: 'GET', url })
    expect(res.statusCode).toBe(status)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = res.json()
    expect(body).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) })
    expect(body.detail).toMatch(names)
    expect(JSON.stringify(body)).not.toMatch(/SELECT|sqlite|at .*\.ts:\d+/i)
  })

  it('a JSON body sent as text/plain gets 415 naming the media type, REST and GraphQL, and nothing is written', async () => {
    const body = JSON.stringify({ publisher: 'P', title: 'T', kind: 'news' })
    // With a valid key: without one, a write is refused (401) before its body is looked at.
    const { key } = createKey(app().storage.sqlite, 'plain-text', 'editor')
    for (const [url, payload] of [['/v1/sources', body], ['/graphql', JSON.stringify({ query: '{ dataset { version } }' })]] as const) {
      const res = await app().inject({ method: 'POST', url, headers: { 'content-type': 'text/plain', authorization: `Bearer ${key}` }, payload })
      expect(res.statusCode, url).toBe(415)
      expect(JSON.stringify(res.json()), url).toMatch(/text\/plain/)
    }
  })

  it('a body holding a key that would set a prototype is refused naming it, not called invalid JSON', async () => {
    const { key } = createKey(app().storage.sqlite, 'proto', 'editor')
    const source = '"publisher":"P","publishedDate":"2023-09-01","kind":"news_report","language":"en"'
    const cases: [string, string, string][] = [
      ['/v1/sources', `{"__proto__":{"a":1},${source}}`, '__proto__'],
      ['/v1/sources', `{"constructor":{"prototype":{"a":1}},${source}}`, 'constructor'],
      ['/graphql', '{"query":"{ dataset { version } }","variables":{"__proto__":{}}}', '__proto__'],
    ]
    for (const [url, payload, field] of cases) {
      const res = await app().inject({ method: 'POST', url, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload })
      expect(res.statusCode, payload).toBe(400)
      expect(JSON.stringify(res.json()), payload).toMatch(new RegExp(`${field}.*unknown field|unknown field.*${field}`))
      expect(JSON.stringify(res.json()), payload).not.toMatch(/not valid JSON/)
    }
    const sources = (await app().inject('/v1/sources?limit=200')).json().data.filter((s: { publisher: string }) => s.publisher === 'P')
    expect(sources).toEqual([])
    // Broken JSON and an empty body are still named as such.
    const broken = await app().inject({ method: 'POST', url: '/v1/sources', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload: '{"publisher":' })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().detail).toMatch(/not valid JSON/)
    const empty = await app().inject({ method: 'POST', url: '/v1/sources', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${key}` }, payload: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.json().detail).toMatch(/empty/i)
  })

  it('a cursor from another sort is refused', async () => {
    const page = (await app().inject({ method: 'GET', url: '/v1/events?limit=1' })).json()
    const res = await app().inject({ method: 'GET', url: `/v1/events?limit=1&sort=-date&cursor=${page.page.nextCursor}` })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'INVALID_CURSOR', detail: expect.stringMatching(/sort/) })
  })

  it('a cursor holding a value of the wrong kind for its column is refused, not read as the start', async () => {
    const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url')
    for (const url of [
      `/v1/events?limit=1&cursor=${cursor(['date', 5, 'x'])}`,
      `/v1/events?limit=1&cursor=${cursor(['date', '2023-09-19', true])}`,
      `/v1/stats/events?groupBy=period,type&cursor=${cursor(['stats:period,type:month', '2023-09', 'yes', 'attack'])}`,
    ]) {
      const res = await app().inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(400)
      expect(res.json(), url).toMatchObject({ code: 'INVALID_CURSOR' })
    }
    const res = await app().inject({ method: 'POST', url: '/graphql', payload: { query: `{ search(q: "ceasefire", after: "${cursor(['rank', 'high', 'event', 'x'])}") { nodes { title } } }` } })
    expect(res.json().errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR')
    // Null stands for a missing value where a key may be missing (a statistics group without a place).
    const ok = await app().inject({ method: 'GET', url: `/v1/stats/events?groupBy=place&cursor=${cursor(['stats:place:month', null])}` })
    expect(ok.statusCode).toBe(200)
  })

  it('GraphQL errors carry extensions.code', async () => {
    const cases: [string, string][] = [
      ['{ events(first: 5000) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ events(after: "garbage") { totalCount } }', 'INVALID_CURSOR'],
      ['{ events(filter: { from: "last week" }) { totalCount } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['{ events(filter: { from: "2023-02-30" }) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ events(first: 1, last: 1) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ actor(id: "Place:azerbaijan") { name } }', 'INVALID_PARAMETER'],
      ['{ events { colour } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['{ events { ', 'GRAPHQL_PARSE_FAILED'],
    ]
    for (const [query, code] of cases) {
      const { status, body } = await gql(app(), query)
      expect(status, query).toBeLessThan(500)
      expect(body.errors?.[0]?.extensions.code, query).toBe(code)
    }
  })

  it('an unknown id in GraphQL is null, not an error', async () => {
    const { body } = await gql(app(), '{ event(id: "nope") { id } }')
    expect(body).toEqual({ data: { event: null } })
  })
})

describe('a date range that ends before it starts', () => {
  const app = sharedApp()
  it('is a 400 naming both bounds on every route with from and to, REST and GraphQL; an equal period is fine', async () => {
    for (const path of ['/v1/events', '/v1/stats/events', '/v1/casualty-reports', '/v1/displacement-counts', '/v1/statements', '/v1/events.geojson', '/v1/timeline.json', '/v1/export']) {
      const res = await app().inject(`${path}?from=2023-09-25&to=2023-09-01`)
      expect(res.statusCode, path).toBe(400)
      expect(res.json(), path).toMatchObject({ code: 'INVALID_PARAMETER', detail: expect.stringMatching(/from \(2023-09-25\) is after to \(2023-09-01\)/) })
      expect((await app().inject(`${path}?from=2023-09&to=2023-09`)).statusCode, path).toBe(200)
    }
    const g = (await app().inject({ method: 'POST', url: '/graphql', payload: { query: '{ events(filter: { from: "2023-09-25", to: "2023-09-01" }) { nodes { id } } }' } })).json()
    expect(g.errors[0]).toMatchObject({ extensions: { code: 'INVALID_PARAMETER' }, message: expect.stringMatching(/filter.from .* is after filter.to/) })
  })

  it('so is a role without an actor, and a figure range whose minimum passes its maximum, wherever events are filtered', async () => {
    const cases: [string, RegExp][] = [
      ['role=observer', /role \(observer\) needs actor/],
      ['minKilled=5&maxKilled=2', /minKilled \(5\) is more than maxKilled \(2\)/],
      ['minDisplaced=10&maxDisplaced=9', /minDisplaced \(10\) is more than maxDisplaced \(9\)/],
    ]
    for (const path of ['/v1/events', '/v1/stats/events', '/v1/events.geojson', '/v1/timeline.json', '/v1/export']) {
      for (const [query, detail] of cases) {
        const res = await app().inject(`${path}?${query}`)
        expect(res.statusCode, `${path}?${query}`).toBe(400)
        expect(res.json(), path).toMatchObject({ code: 'INVALID_PARAMETER', detail: expect.stringMatching(detail) })
      }
      for (const fine of ['role=observer&actor=russia', 'minKilled=2&maxKilled=2']) expect((await app().inject(`${path}?${fine}`)).statusCode, `${path}?${fine}`).toBe(200)
    }
    // The actor of /v1/actors/{id}/events is in its path.
    expect((await app().inject('/v1/actors/russia/events?role=observer')).statusCode).toBe(200)
    for (const filter of ['{ role: OBSERVER }', '{ minKilled: 5, maxKilled: 2 }']) {
      const g = (await app().inject({ method: 'POST', url: '/graphql', payload: { query: `{ events(filter: ${filter}) { totalCount } }` } })).json()
      expect(g.errors[0], filter).toMatchObject({ extensions: { code: 'INVALID_PARAMETER' }, message: expect.stringMatching(/^filter\.(role|minKilled)/) })
    }
  })
})
