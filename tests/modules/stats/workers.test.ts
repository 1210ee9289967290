import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../../src/db/synth.ts'
import { searchOffLoop } from '../../../src/modules/events/queries.ts'
import { createKey } from '../../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, gql, tempDir } from '../../helper.ts'

// The stats routes on a database file, where they run on worker threads with their own read-only
// connections, against the same routes run on the event loop over the same file.
const URLS = [
  '/v1/stats/events?groupBy=type&q=ceasefire',
  '/v1/stats/events?groupBy=period,actor&period=week&from=2023-09&to=2023-10',
  '/v1/stats/events?groupBy=place&minKilled=1',
  '/v1/casualty-reports/summary',
  '/v1/events?facets=type,place,actor&count=exact&from=2023-09-19',
  '/v1/events?facets=type,place,actor',
  '/v1/events.geojson?limit=4',
  '/v1/events.geojson?from=2023-09',
  '/v1/timeline.json?limit=6',
]

async function fileApps(config: object = {}) {
  const path = join(tempDir(), 'stats.db')
  const workers = await buildTestApp({ databasePath: path, statsWorkers: 2, ...config })
  const inline = await buildTestApp({ databasePath: path, statsWorkers: 0, seedOnStart: false })
  return { workers, inline }
}

describe('stats on worker threads', () => {
  it('answers what the event loop answers, REST and GraphQL', async () => {
    const { workers, inline } = await fileApps()
    expect(workers.stats.threads).toBe(2)
    expect(inline.stats.threads).toBe(0)
    for (const url of URLS) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.headers.link, url).toBe(b.headers.link)
    }
    // The page at / draws its overview and facets with the same tasks.
    for (const url of ['/?actor=russia', '/?from=2023-09&type=offensive']) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
    }
    const query = `{ eventStats(filter: { q: "ceasefire" }, groupBy: [TYPE]) { rows { key { type } events } source }
      events(filter: { from: "2023-09" }) { facets(fields: [TYPE, ACTOR]) { fields { field values { value count } } cutShort } }
      casualtySummary { outcome victimGroup low high reportCount } }`
    const a = await gql(workers, query), b = await gql(inline, query)
    expect(a.body.errors).toBeUndefined()
    expect(a.body.data.eventStats.rows.length).toBeGreaterThan(0)
    expect(a.body).toEqual(b.body)
  })

  it('reads lists and searches of common words on the workers, and of rare words on the event loop', async () => {
    const { workers, inline } = await fileApps({ statsWorkers: 1, statsQueueMax: 1 })
    // Every synthetic summary has the word "record": more matches than a list sorts inline.
    synthesise(inline.storage.sqlite, { events: 2500 })
    expect(searchOffLoop(inline.storage.sqlite, 'record', 2000)).toBe(true)
    expect(searchOffLoop(inline.storage.sqlite, 'ceasefire', 2000)).toBe(false)
    for (const url of ['/v1/events?q=record&limit=5', '/v1/events?q=record&sort=-date&limit=3&format=csv', '/v1/events?q=ceasefire', '/v1/search?q=record', '/v1/search?q=record%20road&format=csv']) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.headers.link, url).toBe(b.headers.link)
    }
    // The CSV's places, actors and figures are read with its page on the worker: the event loop
    // runs what it runs for the JSON page (choosing to offload), nothing more.
    const onLoop = async (url: string) => { const before = workers.storage.statements.count; await workers.inject(url); return workers.storage.statements.count - before }
    await onLoop('/v1/events?q=record&limit=7&format=csv')
    expect(await onLoop('/v1/events?q=record&limit=6&format=csv')).toBe(await onLoop('/v1/events?q=record&limit=6'))
    // GraphQL reads common words on the workers too, page info and total included.
    const query = `query ($after: String) { events(first: 3, after: $after, filter: { q: "record" }, orderBy: DATE_DESC) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id title place { name } actors { role actor { name } } } } }`
    const first = await gql(workers, query)
    expect(first.body.errors).toBeUndefined()
    expect(first.body.data.events.totalCount).toBeGreaterThan(2000)
    expect(first.body).toEqual((await gql(inline, query)).body)
    const searchQuery = `query ($after: String) { search(q: "record", first: 4, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { recordId snippet rank } } }`
    const found = await gql(workers, searchQuery)
    expect(found.body.errors).toBeUndefined()
    expect(found.body).toEqual((await gql(inline, searchQuery)).body)
    const further = { after: found.body.data.search.pageInfo.endCursor }
    expect((await gql(workers, searchQuery, further)).body).toEqual((await gql(inline, searchQuery, further)).body)
    const after = { after: first.body.data.events.pageInfo.endCursor }
    const second = await gql(workers, query, after)
    expect(second.body.data.events.pageInfo.hasPreviousPage).toBe(true)
    expect(second.body).toEqual((await gql(inline, query, after)).body)
    // One thread and room for one waiting task: a burst of common-word lists meets the bound, a
    // burst of rare-word lists never reaches the pool.
    const burst = (q: string) => Promise.all(Array.from({ length: 8 }, (_, i) => workers.inject(`/v1/events?q=${q}&limit=${40 - i}`)))
    expect((await burst('record')).map((r) => r.statusCode)).toContain(503)
    expect((await burst('ceasefire')).every((r) => r.statusCode === 200)).toBe(true)
    const searches = await Promise.all(Array.from({ length: 8 }, (_, i) => workers.inject(`/v1/search?q=record&limit=${40 - i}`)))
    expect(searches.map((r) => r.statusCode)).toContain(503)
  })

  it('reads statement lists of common words on the workers, REST and GraphQL, as the event loop would', async () => {
    const { workers, inline } = await fileApps({ statsWorkers: 1, statsQueueMax: 1 })
    // "synthetic" is in every synthetic event's title and statement's summary.
    synthesise(inline.storage.sqlite, { events: 2500 })
    expect(searchOffLoop(inline.storage.sqlite, 'synthetic', 2000)).toBe(true)
    const page1 = await workers.inject('/v1/statements?q=synthetic&limit=4')
    expect(page1.statusCode).toBe(200)
    expect(page1.json().data).toHaveLength(4)
    const next = new URL(page1.headers.link!.toString().match(/<([^>]+)>/)![1]!, 'http://x')
    for (const url of ['/v1/statements?q=synthetic&limit=4', `/v1/statements${next.search}`, '/v1/statements?q=synthetic&limit=3&format=csv', '/v1/statements?q=Pashinyan']) {
      const a = await workers.inject(url), b = await inline.inject(url)
      expect(a.statusCode, url).toBe(200)
      expect(a.body, url).toBe(b.body)
      expect(a.headers.link, url).toBe(b.headers.link)
    }
    const query = `query ($after: String) { statements(first: 3, after: $after, filter: { q: "synthetic" }) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id quote speaker { name } } } }`
    const first = await gql(workers, query)
    expect(first.body.errors).toBeUndefined()
    expect(first.body.data.statements.totalCount).toBeGreaterThan(100)
    expect(first.body).toEqual((await gql(inline, query)).body)
    const after = { after: first.body.data.statements.pageInfo.endCursor }
    const second = await gql(workers, query, after)
    expect(second.body.data.statements.pageInfo.hasPreviousPage).toBe(true)
    expect(second.body).toEqual((await gql(inline, query, after)).body)
    // They go through the pool: one thread and room for one waiting task refuse part of a burst.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => workers.inject(`/v1/statements?q=synthetic&limit=${40 - i}`)))
    expect(burst.map((r) => r.statusCode)).toContain(503)
  })

  it('counts the dataset\'s tables on the workers, REST and GraphQL', async () => {
    // No response cache, which would answer a burst of one URL from one computation.
    const { workers, inline } = await fileApps({ statsWorkers: 1, statsQueueMax: 1, cacheMaxEntries: 0 })
    synthesise(inline.storage.sqlite, { events: 500 })
    const a = await workers.inject('/v1/dataset'), b = await inline.inject('/v1/dataset')
    expect(a.statusCode).toBe(200)
    expect(a.json().data.counts.events).toBeGreaterThan(500)
    expect(a.body).toBe(b.body)
    const query = '{ dataset { version counts licence } }'
    expect((await gql(workers, query)).body).toEqual((await gql(inline, query)).body)
    // They go through the pool: one thread and room for one waiting task refuse part of a burst.
    const burst = await Promise.all(Array.from({ length: 8 }, () => workers.inject('/v1/dataset')))
    expect(burst.map((r) => r.statusCode)).toContain(503)
  })

  it('keeps catalogue errors: a bad cursor is a 400 INVALID_CURSOR from the worker too', async () => {
    const { workers } = await fileApps()
    synthesise(workers.storage.sqlite, { events: 2500 })
    for (const url of ['/v1/stats/events?groupBy=type&q=ceasefire&cursor=bm9wZQ', '/v1/events?q=record&cursor=bm9wZQ']) {
      const res = await getJson(workers, url)
      expect(res.status, url).toBe(400)
      expect(res.body.code, url).toBe('INVALID_CURSOR')
    }
  })

  it('never answers older than the version in the ETag: a write is seen by the next request', async () => {
    const { workers } = await fileApps()
    const editor = { authorization: `Bearer ${createKey(workers.storage.sqlite, 'e', 'editor').key}` }
    const url = '/v1/stats/events?groupBy=&from=2023-09&to=2023-09&updatedSince=1900'
    const before = await getJson(workers, url)
    expect(before.body.data[0].figures.killed.lowIfDisjoint).toBe(205)
    const res = await workers.inject({ method: 'POST', url: '/v1/casualty-reports', headers: editor, payload: {
      id: 'offensive-killed-30', eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'civilians',
      low: 30, high: 40, qualifier: 'about', reportedPhrase: 'between 30 and 40 civilians', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    } })
    expect(res.statusCode).toBe(201)
    const after = await getJson(workers, url)
    expect(after.headers.etag).not.toBe(before.headers.etag)
    expect(after.body.meta.datasetVersion).toBeGreaterThan(before.body.meta.datasetVersion)
    expect(after.body.data[0].figures.killed.lowIfDisjoint).toBe(235)
  })

  it('stops a task past its time limit with 503 STATS_TIMEOUT', async () => {
    const { workers } = await fileApps({ statsTimeoutMs: 1, warmUp: false })
    const res = await getJson(workers, '/v1/stats/events?groupBy=actor&q=ceasefire')
    expect(res.status).toBe(503)
    expect(res.body.code).toBe('STATS_TIMEOUT')
    expect(res.headers['retry-after']).toBeDefined()
    // Over GraphQL GET the same failure is no representation to keep: no ETag, not stored, no 304.
    const url = `/graphql?query=${encodeURIComponent('{ eventStats(groupBy: [ACTOR], filter: { q: "ceasefire" }) { rows { events } } }')}`
    const gql = await workers.inject(url)
    expect(gql.json().errors[0].extensions.code).toBe('STATS_TIMEOUT')
    expect(gql.headers.etag).toBeUndefined()
    expect(gql.headers['cache-control']).toBe('no-store')
    expect(gql.headers['retry-after']).toBe('10')
    const tag = (await workers.inject('/v1/events?limit=1')).headers.etag as string
    expect(tag).toMatch(/^"v\d+-json"$/)
    const again = await workers.inject({ url, headers: { 'if-none-match': tag } })
    expect(again.statusCode).not.toBe(304)
    expect(again.json().errors[0].extensions.code).toBe('STATS_TIMEOUT')
  })

  it('runs on the event loop for an in-memory database, which no worker can open', async () => {
    const app = await buildTestApp({ statsWorkers: 2 })
    expect(app.stats.threads).toBe(0)
    expect((await getJson(app, '/v1/stats/events?groupBy=type&q=ceasefire')).status).toBe(200)
  })
})

describe('stats workers under load', () => {
  // Enough events that a grouping by actor and week takes tens of milliseconds.
  async function loaded(config: object) {
    const { workers, inline } = await fileApps(config)
    synthesise(inline.storage.sqlite, { events: 2000 })
    return { workers, inline }
  }
  const BROAD = '/v1/stats/events?groupBy=period,actor&period=week&updatedSince=1900'

  it('refuses work past the queue with 503 STATS_BUSY and Retry-After', async () => {
    // One thread and room for one waiting task: of a burst, the rest are refused at once.
    const { workers } = await loaded({ statsWorkers: 1, statsQueueMax: 1 })
    expect((await getJson(workers, '/v1/stats/events?groupBy=type')).status).toBe(200)
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => getJson(workers, `${BROAD}&limit=${1000 - i}`)))
    const busy = results.filter((r) => r.status === 503)
    expect(busy.length).toBeGreaterThan(0)
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2)
    expect(busy[0]!.body.code).toBe('STATS_BUSY')
    expect(busy[0]!.headers['retry-after']).toBe('2')
    // GraphQL asks for the same wait.
    const query = '{ eventStats(groupBy: [PERIOD, ACTOR], period: WEEK) { rows { events } } }'
    const answers = await Promise.all(Array.from({ length: 8 }, () => workers.inject({ method: 'POST', url: '/graphql', payload: { query } })))
    const refused = answers.filter((r) => r.json().errors?.[0]?.extensions?.code === 'STATS_BUSY')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((r) => r.headers['retry-after'] === '2')).toBe(true)
  })

  it('keeps the event loop turning while a worker groups the events', async () => {
    const { workers, inline } = await loaded({})
    expect((await getJson(workers, '/v1/stats/events?groupBy=type')).status).toBe(200)
    // Timer ticks during the request: none can run while the event loop runs the query itself.
    const ticksDuring = async (app: typeof workers, url: string) => {
      let ticks = 0
      const timer = setInterval(() => { ticks++ }, 1)
      const started = performance.now()
      const res = await getJson(app, url)
      clearInterval(timer)
      expect(res.status).toBe(200)
      return { ticks, ms: performance.now() - started }
    }
    const offLoop = await ticksDuring(workers, BROAD)
    const onLoop = await ticksDuring(inline, `${BROAD}&minKilled=0`)
    expect(onLoop.ms).toBeGreaterThan(20)
    expect(offLoop.ticks).toBeGreaterThan(onLoop.ticks)
    expect(offLoop.ticks).toBeGreaterThanOrEqual(Math.floor(offLoop.ms / 20))
  })
})
