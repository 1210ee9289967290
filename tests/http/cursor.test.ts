import { describe, expect, it } from 'vitest'
import { sharedApp } from '../helper.ts'

const app = sharedApp()
const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url')

describe('cursors with null keys', () => {
  it('a null where the sort key cannot be null is a 400 INVALID_CURSOR, not an empty page', async () => {
    for (const url of [
      `/v1/events?cursor=${cursor(['date', null, null])}`,
      `/v1/events?cursor=${cursor(['date', '2023-09-19T00:00:00.000Z', null])}`,
      `/v1/events?sort=-date&cursor=${cursor(['-date', null, 'x'])}`,
      `/v1/events?sort=updated&cursor=${cursor(['updated', null, null])}`,
      `/v1/events.geojson?cursor=${cursor(['date', null, null])}`,
      `/v1/statements?cursor=${cursor(['statements:date', null, null])}`,
      `/v1/actors?cursor=${cursor(['actors:name', null, null])}`,
      `/v1/search?q=ceasefire&cursor=${cursor(['rank', null, 'event', 'x'])}`,
    ]) {
      const res = await app().inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(400)
      expect(res.json(), url).toMatchObject({ code: 'INVALID_CURSOR' })
    }
    const res = await app().inject({ method: 'POST', url: '/graphql', payload: { query: `{ events(after: "${cursor(['date', null, null])}") { nodes { id } } }` } })
    expect(res.json().errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR')
  })

  it('the same cursors with their keys are answered, and a null stays valid where a key may be null', async () => {
    const first = (await app().inject({ method: 'GET', url: '/v1/events?limit=1' })).json()
    const next = await app().inject({ method: 'GET', url: `/v1/events?limit=1&cursor=${first.page.nextCursor}` })
    expect(next.statusCode).toBe(200)
    expect(next.json().data).toHaveLength(1)
    // A statistics group has no place when its events have none: its key is null.
    const stats = await app().inject({ method: 'GET', url: `/v1/stats/events?groupBy=place&cursor=${cursor(['stats:place:month', null])}` })
    expect(stats.statusCode).toBe(200)
  })
})

describe('a cursor belongs to its list', () => {
  it('a cursor issued by one list is refused by every other, though their sorts share a name', async () => {
    const next = async (url: string) => (await app().inject({ method: 'GET', url })).json().page.nextCursor as string
    const issued: Record<string, string> = {
      '/v1/events': await next('/v1/events?limit=1'),
      '/v1/statements': await next('/v1/statements?limit=1'),
      '/v1/casualty-reports': await next('/v1/casualty-reports?limit=1'),
      '/v1/actors': await next('/v1/actors?limit=1'),
      '/v1/places': await next('/v1/places?limit=1'),
      '/v1/sources': await next('/v1/sources?limit=1'),
      '/v1/displacement-counts': await next('/v1/displacement-counts?limit=1'),
    }
    for (const [from, c] of Object.entries(issued)) {
      expect(c, from).toBeTruthy()
      for (const to of Object.keys(issued)) {
        const res = await app().inject({ method: 'GET', url: `${to}?limit=1&cursor=${c}` })
        expect(res.statusCode, `${from} -> ${to}`).toBe(from === to ? 200 : 400)
        if (from !== to) expect(res.json().code, `${from} -> ${to}`).toBe('INVALID_CURSOR')
      }
    }
    const res = await app().inject({ method: 'POST', url: '/graphql', payload: { query: `{ statements(after: "${issued['/v1/events']}") { nodes { id } } }` } })
    expect(res.json().errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR')
  })
})
