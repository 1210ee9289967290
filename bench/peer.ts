import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NESTED, plusDays, randomDay, SYNTH_SPAN, synthEventId, type Span } from './cases.ts'
import { loadFlags, measure, parseLoad, printTable, rate, ratio, type Measured, type Target } from './load.ts'
import { startPlatformatic } from './platformatic.ts'
import { canPin, freePort, pinSelf, readThrough, startServer, stop, waitIdle } from './support.ts'
import { buildSynthDb } from './synth-db.ts'

// The same cases against Platformatic DB over its own file of as many events, this API with and
// without its response cache, and a bare Fastify route, in one run on one machine. A URL given for
// a server means that server is not started here.
const { values } = parseArgs({
  options: {
    ...loadFlags,
    events: { type: 'string', default: '100000' },
    db: { type: 'string' },
    api: { type: 'string' },
    'api-uncached': { type: 'string' },
    platformatic: { type: 'string' },
    bare: { type: 'string' },
    'peer-dir': { type: 'string', default: process.env.PEER_PLATFORMATIC_DIR ?? '/work/shared/peer-platformatic' },
  },
})
const load = parseLoad(values)
const EVENTS = Number(values.events)
const closers: (() => Promise<void>)[] = []
const closeAll = () => Promise.all(closers.map((close) => close()))
process.once('SIGINT', () => void closeAll().then(() => process.exit(130)))

/** Starts this API (or the bare route) on core 0 and returns its URL. */
async function serve(script: string, env: Record<string, string>, path = ''): Promise<string> {
  const port = await freePort()
  const child = await startServer(script, { ...env, PORT: String(port) }, 0)
  closers.push(() => stop(child))
  await waitIdle([child.pid!])
  return `http://127.0.0.1:${port}${path}`
}

/** make-db.js spreads its events over 35 years from 1990; a 365-day range holds about as many of them (2.9%) as 45 days of the synthetic span (3.1%). */
const PEER_SPAN: Span = { start: Date.UTC(1990, 0, 1), days: 35 * 365 }
const RANGE_DAYS = { ours: 45, peer: 365 }
const LIST_BYTES_URL = '/v1/events?limit=50&sort=-date&type=attack'

const ourCases = {
  single: (): string => `/v1/events/${synthEventId(EVENTS)}`,
  list: () => `/v1/events?limit=50&sort=date&from=${randomDay(SYNTH_SPAN)}`,
  range: () => { const d = randomDay(SYNTH_SPAN, RANGE_DAYS.ours); return `/v1/events?limit=50&sort=date&from=${d}&to=${plusDays(d, RANGE_DAYS.ours)}` },
  graphql: () => JSON.stringify({ query: NESTED, variables: { from: randomDay(SYNTH_SPAN) } }),
}
const PEER_NESTED = 'query ($from: String) { events(limit: 50, orderBy: [{ field: startDate, direction: ASC }], where: { startDate: { gte: $from } }) { id title startDate eventType location casualties { id kind countLow countHigh } } }'
const peerCases = {
  single: () => `/events/${1 + Math.floor(Math.random() * EVENTS)}`,
  list: () => `/events?limit=50&orderby.startDate=asc&where.startDate.gte=${randomDay(PEER_SPAN)}`,
  range: () => { const d = randomDay(PEER_SPAN, RANGE_DAYS.peer); return `/events?limit=50&orderby.startDate=asc&where.startDate.gte=${d}&where.startDate.lte=${plusDays(d, RANGE_DAYS.peer)}` },
  graphql: () => JSON.stringify({ query: PEER_NESTED, variables: { from: randomDay(PEER_SPAN) } }),
}

const met = (label: string, ok: boolean) => `${label}: ${ok ? 'met' : 'NOT met'}`
const dir = mkdtempSync(join(tmpdir(), 'timeline-peer-'))
try {
  const serverEnv = { LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', SEED_ON_START: 'false' }
  const dbPath = values.db ?? join(dir, 'bench.db')
  if (!values.api && !values.db) buildSynthDb(dbPath, EVENTS)
  if (!values.api) readThrough(dbPath)
  const api = values.api ?? await serve('src/server.ts', { ...serverEnv, DATABASE_PATH: dbPath })
  const uncached = values['api-uncached'] ?? (values.api ? api : await serve('src/server.ts', { ...serverEnv, DATABASE_PATH: dbPath, CACHE_MAX_ENTRIES: '0' }))
  const listBytes = (await (await fetch(`${api}${LIST_BYTES_URL}`)).arrayBuffer()).byteLength
  const bare = values.bare ?? await serve('bench/bare-server.ts', { LARGE_BYTES: String(listBytes) }, '/bare')
  const peer = values.platformatic ?? await (async () => {
    const started = await startPlatformatic(values['peer-dir'], EVENTS, 0)
    closers.push(started.close)
    return started.url
  })()
  // Servers on core 0, this load generator on core 1.
  pinSelf()

  const rows: (string | number)[][] = []
  const baseline = await measure({ base: bare, path: () => '' }, load)
  const row = (name: string, server: string, m: Measured, peerM?: Measured, target = '') =>
    rows.push([name, server, rate(m), m.p50, m.p99, peerM ? ratio(m.rps, peerM.rps) : '', ratio(m.rps, baseline.rps), target])
  row('bare Fastify route', 'bare', baseline)

  const ofBare = (m: Measured, share: number) => met(`>= ${share} of bare`, m.rps >= share * baseline.rps)
  const timesPeer = (m: Measured, p: Measured, times: number) => met(`>= ${times}x Platformatic`, m.rps >= times * p.rps)
  const compared: [string, keyof typeof ourCases, (u: Measured, p: Measured) => string][] = [
    ['one event by id (random ids)', 'single', (u, p) => `${ofBare(u, 0.25)}; ${timesPeer(u, p, 1.5)}`],
    ['list of 50 by date (random start)', 'list', (u, p) => `${ofBare(u, 0.1)}; ${timesPeer(u, p, 1.5)}`],
    ['date-range list of 50 (~3% of events in range)', 'range', (u, p) => `${ofBare(u, 0.1)}; ${timesPeer(u, p, 1.5)}`],
    ['GraphQL: 50 events with nested relations', 'graphql', (u, p) => `${timesPeer(u, p, 6)}; ${met('p99 < 100 ms', u.p99 < 100)}`],
  ]
  for (const [name, key, goal] of compared) {
    const target = (base: string, cases: typeof ourCases | typeof peerCases): Target =>
      key === 'graphql' ? { base, path: () => '/graphql', body: cases.graphql, rows: 50 } : { base, path: cases[key], ...(key === 'single' ? {} : { rows: 50 }) }
    const p = await measure(target(peer, peerCases), load)
    const u = await measure(target(uncached, ourCases), load)
    const c = await measure(target(api, ourCases), load)
    row(name, 'Platformatic DB', p)
    row(name, 'ours, uncached', u, p, goal(u, p))
    row(name, 'ours, cached', c, p)
  }
  const hitSmall = await measure({ base: api, path: () => `/v1/events/synth-event-0000001` }, load)
  row('cache hit: one event, same id', 'ours, cached', hitSmall, undefined, ofBare(hitSmall, 0.5))
  const hitList = await measure({ base: api, path: () => LIST_BYTES_URL }, load)
  row(`cache hit: the same list of 50 (${(listBytes / 1024).toFixed(1)} KB)`, 'ours, cached', hitList, undefined, ofBare(hitList, 0.3))
  if (!values.bare) row(`bare route sending ${(listBytes / 1024).toFixed(1)} KB`, 'bare', await measure({ base: bare.replace(/\/bare$/, '/bare-large'), path: () => '' }, load))

  console.log(`\nautocannon -c ${load.connections} -d ${load.duration} after ${load.warmup} s of warm-up; ${EVENTS} events on each side; ${cpus().length} cores; node ${process.version}; ${canPin ? 'servers started here on core 0, load on core 1' : 'nothing pinned'}`)
  console.log(`API ${api}, uncached ${uncached}${uncached === api ? ' (no uncached server given: the same one)' : ''}, Platformatic ${peer}, bare ${bare}\n`)
  printTable(['case', 'server', 'req/s', 'p50 ms', 'p99 ms', 'x Platformatic', 'x bare', 'target'], rows)
} finally {
  await closeAll()
  rmSync(dir, { recursive: true, force: true })
}
