import { parseArgs } from 'node:util'
import { request } from 'node:http'
import { actorId, NESTED, placeId } from './cases.ts'
import { freePort, pinSelf, rss, startServer, stop, waitIdle } from './support.ts'

// The heaviest single requests, one after another, on a server with its response cache off, while
// a probe asks /health every 10 ms on a connection of its own: the probe's slowest answer during a
// request is how long that request kept the server from answering anyone else.
const { values } = parseArgs({ options: { db: { type: 'string' }, events: { type: 'string', default: '1000000' } } })
if (!values.db) throw new Error('--db PATH: a synthetic database (npm run db:synth)')
const EVENTS = Number(values.events)

const HEAVY: [string, string | { graphql: string, variables?: object }][] = [
  ['list, q=record (a word in every synthetic event)', '/v1/events?q=record&limit=50'],
  ['list, q=ceasefire', '/v1/events?q=ceasefire&limit=50'],
  ['list, q=ceasefire, CSV', '/v1/events?q=ceasefire&limit=200&format=csv'],
  ['search, q=record', '/v1/search?q=record'],
  ['stats, month x type, whole dataset', '/v1/stats/events?groupBy=period,type&period=month'],
  ['stats, q=ceasefire by type', '/v1/stats/events?groupBy=type&q=ceasefire'],
  ['stats, by actor, one quarter', '/v1/stats/events?groupBy=actor&from=2022-01&to=2022-03'],
  ['stats, by day x type, a year, 5000 rows', '/v1/stats/events?groupBy=period,type&period=day&from=2022&to=2022&limit=5000'],
  ['casualty summary', '/v1/casualty-reports/summary'],
  ['list with facets and count', '/v1/events?facets=type,place,actor&count=exact'],
  ['list of one actor with facets', `/v1/events?actor=${actorId(EVENTS)}&facets=type,place,actor`],
  ['page /', '/'],
  ['page / for a year', '/?from=2022&to=2022'],
  ['page / for one place', `/?place=${placeId(EVENTS)}`],
  ['GeoJSON, 500 features', '/v1/events.geojson?limit=500'],
  ['GraphQL, 50 nested events', { graphql: NESTED, variables: { from: '2022-01-01' } }],
  ['GraphQL, events with q=record and their total', { graphql: '{ events(first: 50, filter: { q: "record" }) { totalCount nodes { id title } } }' }],
  ['GraphQL, search q=record', { graphql: '{ search(q: "record", first: 20) { nodes { recordId snippet } } }' }],
  ['stats, by actor and day, whole dataset', '/v1/stats/events?groupBy=actor,period&period=day'],
  ['stats, by day and actor, whole dataset', '/v1/stats/events?groupBy=period,actor&period=day'],
  ['stats, by type and actor, whole dataset', '/v1/stats/events?groupBy=type,actor'],
  ['stats, by week, at least 1 killed, whole dataset', '/v1/stats/events?groupBy=period&period=week&minKilled=1'],
  ['list by update, a type over a year', '/v1/events?type=attack&from=2022-01&to=2022-12&sort=-updated&limit=50'],
  ['casualty reports, an outcome changed since a date', '/v1/casualty-reports?outcome=killed&updatedSince=2000-01-01&limit=50'],
  ['GraphQL, total of two types with a figure range', { graphql: '{ events(first: 5, filter: { type: [NEGOTIATION, AGREEMENT], minKilled: 1 }) { totalCount nodes { id } } }' }],
]

const port = await freePort()
const server = await startServer('src/server.ts', { DATABASE_PATH: values.db, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', SEED_ON_START: 'false', CACHE_MAX_ENTRIES: '0', PORT: String(port) }, 0, 120_000)
pinSelf()
await waitIdle([server.pid!])

/** One GET or POST; resolves with the status and the milliseconds to the end of the body. */
function call(path: string, body?: string): Promise<{ status: number, ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {}, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

let peakRss = rss(server.pid!)
try {
  console.log(`\nOne request at a time, response cache off, ${EVENTS} events; a /health probe every 10 ms meanwhile`)
  console.log('| request | status | ms | slowest probe ms |')
  console.log('| --- | ---: | ---: | ---: |')
  let worstOverall = 0
  for (const [name, target] of HEAVY) {
    let slowest = 0, running = true
    const probe = (async () => {
      while (running) {
        const { ms } = await call('/health')
        slowest = Math.max(slowest, ms)
        peakRss = Math.max(peakRss, rss(server.pid!))
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const res = typeof target === 'string' ? await call(target) : await call('/graphql', JSON.stringify({ query: target.graphql, variables: target.variables }))
    running = false
    await probe
    worstOverall = Math.max(worstOverall, slowest)
    console.log(`| ${name} | ${res.status} | ${res.ms.toFixed(0)} | ${slowest.toFixed(0)} |`)
  }
  console.log(`\nSlowest probe: ${worstOverall.toFixed(0)} ms (target: no request holds the server more than 100 ms: ${worstOverall <= 100 ? 'met' : 'NOT met'}); server RSS peak ${(peakRss / 1e6).toFixed(0)} MB`)
} finally {
  await stop(server)
}
