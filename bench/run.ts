import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { actorId, NESTED, pick, placeId, plusDays, randomDay, SYNTH_SPAN, synthEventId, WORDS } from './cases.ts'
import { skipBodies } from './load.ts'
import { cpuTicks, freePort, percentile, pinSelf, readThrough, rss, send, startServer, waitIdle } from './support.ts'

const round = (ms: number) => Math.round(ms * 100) / 100
import { buildSynthDb } from './synth-db.ts'
import { VERSION_SHARED_MS } from '../src/db/dataset.ts'

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, duration: { type: 'string', default: '5' }, db: { type: 'string' }, cold: { type: 'boolean', default: false }, 'exports-only': { type: 'boolean', default: false } } })
const EVENTS = Number(values.events)
const DURATION = Number(values.duration)
const dir = mkdtempSync(join(tmpdir(), 'timeline-bench-'))
// --db reuses a synthetic database built before (npm run db:synth), which at a million events takes a while.
const dbPath = values.db ?? join(dir, 'bench.db')

/** The server process behind a URL, by its port: its CPU time per request is printed beside each case. */
const serverAt = new Map<string, number>()

/** Start and end (Date.now()) of the last measured run, to tell what the export readers got in it. */
let window = { start: 0, end: 0 }

async function load(url: string, paths?: () => string, extra: Partial<autocannon.Options> = {}, settle = true) {
  const options = {
    url, connections: 10, setupClient: skipBodies,
    ...(paths ? { requests: [{ setupRequest: (req: any) => ({ ...req, path: paths() }) }] } : {}),
    ...extra,
  }
  // Work a case before left queued (stats and page tasks on worker threads) would run on the same
  // core as this one: each case starts once both servers are idle.
  if (settle) await waitIdle([api.pid!, uncached.pid!])
  // A second of the same load first, thrown away: the JIT, the page cache and the stats threads
  // warm up on it rather than on the measured run.
  await autocannon({ ...options, duration: 1 })
  // autocannon's histogram keeps whole milliseconds, too coarse for reads answered in one or two:
  // each response's own time (a float, in ms) is kept here instead.
  const times: number[] = []
  const statuses = new Map<number, number>()
  // The instance is an event emitter as well as a promise of the result (its types say only the latter).
  const pid = serverAt.get(new URL(url).port)!
  const ticks = cpuTicks(pid)
  const run = autocannon({ ...options, duration: DURATION }) as Promise<autocannon.Result> & autocannon.Instance
  run.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    times.push(ms)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  })
  const start = Date.now()
  const result = await run
  window = { start, end: Date.now() }
  // Refusals (a 503 when the stats queue is full) are part of the figure, not a reason to stop:
  // the table shows them beside the rate. Anything else is a broken case.
  const failed = [...statuses].filter(([status]) => status < 200 || status > 299)
  if (failed.some(([status]) => status !== 503) || result.errors > 0) {
    throw new Error(`${url}: ${result.errors} errors, responses: ${[...statuses].map(([status, n]) => `${n} x ${status}`).join(', ')}`)
  }
  const refused = failed.reduce((n, [, k]) => n + k, 0)
  // Ticks are 10 ms; over a run of seconds that is well under a percent.
  const cpuUs = ((cpuTicks(pid) - ticks) * 10_000) / result.requests.total
  return { rps: result.requests.average, p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), cpuUs, refused }
}

/** Streams one export to the end, returning its size, records and duration. */
async function runExport(base: string) {
  const started = performance.now()
  const res = await fetch(`${base}/v1/export?format=ndjson`)
  let bytes = 0, lines = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++
  }
  return { bytes, records: lines - 1, seconds: (performance.now() - started) / 1000 }
}

/**
 * A client streaming exports one after another in a process of its own, until stopped; it reports
 * its bytes every 100 ms, so what the exports got while reads were measured is known. It shares
 * the load generator's core, in the SCHED_IDLE class where chrt is installed: it reads when
 * autocannon leaves the core free, so the latencies measured are the server's and not time
 * autocannon waited for the readers on its own core (with the readers in this process, their
 * chunks held its event loop between responses).
 */
function exportReader(base: string) {
  const args = ['bench/export-reader.mjs', base]
  const idle = spawnSync('chrt', ['--version']).status === 0
  const child = idle ? spawn('chrt', ['--idle', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d })
  const exited = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`export reader exited with ${code}`)))))
  // Only whole lines: the last may still be arriving.
  const samples = () => out.slice(0, out.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { t: number, bytes: number, done: number })
  /** Bytes read by time t. */
  const bytesAt = (t: number) => samples().filter((x) => x.t <= t).at(-1)?.bytes ?? 0
  return {
    /** Whether bytes have come yet: an export writes nothing while it counts its records (seconds at a million events). */
    flowing: () => bytesAt(Date.now()) > 0,
    /** Bytes read between two times. */
    between: (from: number, to: number) => bytesAt(to) - bytesAt(from),
    async stop(): Promise<number> {
      child.kill('SIGTERM')
      await exited
      return samples().at(-1)!.done
    },
  }
}

/**
 * Single-event reads at `connections` while two exports stream, against the same reads alone just
 * before, and the MB/s the two exports got while the reads were measured.
 */
async function readsDuringExports(connections: number) {
  const reads = () => `/v1/events/${eventId()}`
  const alone = await load(noCache, reads, { connections })
  const readers = [exportReader(noCache), exportReader(noCache)]
  for (const until = Date.now() + 120_000; !readers.every((r) => r.flowing());) {
    if (Date.now() > until) throw new Error('the exports sent no bytes within 120 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  // No waiting for the servers to go idle here: the exports keep the uncached one busy.
  const during = await load(noCache, reads, { connections }, false)
  const { start, end } = window
  const exportMBps = readers.reduce((n, r) => n + r.between(start, end), 0) / 1e6 / ((end - start) / 1000)
  const exportsDone = (await Promise.all(readers.map((r) => r.stop()))).reduce((a, b) => a + b, 0)
  return { connections, alone, during, exportMBps, exportsDone }
}

if (!values.db) buildSynthDb(dbPath, EVENTS)
// Every case on a warm page cache (see readThrough); --cold skips it.
if (!values.cold) readThrough(dbPath)

const apiPort = await freePort(), uncachedPort = await freePort(), barePort = await freePort()
const serverEnv = { DATABASE_PATH: dbPath, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', SEED_ON_START: 'false' }
const api = await startServer('src/server.ts', { ...serverEnv, PORT: String(apiPort) }, 0)
// The same server with its response cache off, for the cases that must not be served from memory.
const uncached = await startServer('src/server.ts', { ...serverEnv, PORT: String(uncachedPort), CACHE_MAX_ENTRIES: '0' }, 0)
// The size of a cached page of 50 events, for a bare route that sends as many bytes.
const pageBytes = await (async () => {
  const probe = await startServer('src/server.ts', { ...serverEnv, PORT: String(barePort) }, 0)
  const bytes = (await (await fetch(`http://127.0.0.1:${barePort}/v1/events?limit=50&sort=-date&type=attack`)).arrayBuffer()).byteLength
  probe.kill('SIGTERM')
  await new Promise((r) => probe.once('exit', r))
  return bytes
})()
const bare = await startServer('bench/bare-server.ts', { PORT: String(barePort), LARGE_BYTES: String(pageBytes) }, 0)
for (const [port, child] of [[apiPort, api], [uncachedPort, uncached], [barePort, bare]] as const) serverAt.set(String(port), child.pid!)
await waitIdle([api.pid!, uncached.pid!])
// Servers on core 0, this load generator on core 1.
pinSelf()
const base = `http://127.0.0.1:${apiPort}`
const noCache = `http://127.0.0.1:${uncachedPort}`
const eventId = () => synthEventId(EVENTS)
const day = () => randomDay(SYNTH_SPAN, 60)

/** SQL statements one nested GraphQL request runs, counted in this process on the same database. */
async function statementsPerRequest(first: number) {
  const { buildApp } = await import('../src/app.ts')
  const app = await buildApp({ config: { databasePath: dbPath, logLevel: 'warn', cacheMaxEntries: 0, seedOnStart: false, maxEventLoopDelayMs: 0, countStatements: true } })
  await app.ready()
  const query = NESTED.replace('first: 50', `first: ${first}`)
  await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables: { from: '2021-01-01' } } })
  // Requests share a read of the dataset version for a millisecond: wait so this one reads it too.
  await new Promise((resolve) => setTimeout(resolve, VERSION_SHARED_MS + 1))
  const before = app.storage.statements.count
  await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables: { from: '2021-01-01' } } })
  const n = app.storage.statements.count - before
  await app.close()
  return n
}

// Resident memory of both API servers, sampled through the whole run.
const peakRss = { cached: 0, uncached: 0 }
const rssSampler = setInterval(() => {
  peakRss.cached = Math.max(peakRss.cached, rss(api.pid!))
  peakRss.uncached = Math.max(peakRss.uncached, rss(uncached.pid!))
}, 100)

try {
  if (!values['exports-only']) {
    const rows: [string, Awaited<ReturnType<typeof load>>, number?][] = []
    const baseline = await load(`http://127.0.0.1:${barePort}/bare`)
    rows.push(['bare Fastify route (baseline)', baseline])
    const single = await load(noCache, () => `/v1/events/${eventId()}`)
    rows.push(['single event by id, random ids (uncached)', single, 0.25])
    rows.push(['list of 50 by date, different pages (uncached)', await load(noCache, () => `/v1/events?limit=50&sort=date&from=${day()}`), 0.1])
    rows.push(['list of 50, 30-day date range (uncached)', await load(noCache, () => { const d = day(); return `/v1/events?limit=50&from=${d}&to=${plusDays(d, 30)}` }), 0.1])
    rows.push(['list of 50, date range and actor (uncached)', await load(noCache, () => { const d = day(); return `/v1/events?limit=50&from=${d}&to=${plusDays(d, 180)}&actor=${actorId(EVENTS)}` })])
    const gqlBody = () => JSON.stringify({ query: NESTED, variables: { from: day() } })
    rows.push(['GraphQL: 50 events with actors, place, casualties (uncached)', await load(noCache, undefined, {
      requests: [{ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, setupRequest: (req: any) => ({ ...req, body: gqlBody() }) }],
    })])
    rows.push(['one event repeated (cache hit, small body)', await load(`${base}/v1/events/${eventId()}`), 0.5])
    rows.push(['the same REST list of 50 repeated (cache hit)', await load(`${base}/v1/events?limit=50&sort=-date&type=attack`), 0.3])
    const word = () => pick(WORDS)
    // The stats cases, loaded at 10 connections like the rest (throughput, and latency with requests
    // queued behind each other), then one request at a time (how long one takes), with the p50 target.
    const statsCases: [string, () => string, number][] = [
      ['stats: month x type, whole dataset', () => `/v1/stats/events?groupBy=period,type&period=month`, 50],
      ['stats: actor filter, by month', () => `/v1/stats/events?groupBy=period&actor=${actorId(EVENTS)}`, 250],
      ['stats: place filter, month x type', () => `/v1/stats/events?groupBy=period,type&place=${placeId(EVENTS)}`, 250],
      ['stats: 90-day range, by week, at least 1 killed', () => { const d = day(); return `/v1/stats/events?groupBy=period&period=week&from=${d}&to=${plusDays(d, 90)}&minKilled=1` }, 250],
      ['stats: q filter, by type', () => `/v1/stats/events?groupBy=type&q=${word()}`, 250],
    ]
    for (const [name, path] of statsCases) rows.push([`${name} (uncached)`, await load(noCache, path)])
    const oneAtATime: [string, Awaited<ReturnType<typeof load>>, number][] = []
    for (const [name, path, target] of statsCases) oneAtATime.push([name, await load(noCache, path, { connections: 1 }), target])
    oneAtATime.push(['page /: histogram, map, facets, 50 events', await load(noCache, () => '/', { connections: 1 }), 300])
    rows.push(['list of 50, no facets (uncached)', await load(noCache, () => `/v1/events?limit=50&from=${day()}`)])
    rows.push(['list of 50, unfiltered, facets type,place,actor + count (uncached)', await load(noCache, () => `/v1/events?limit=50&facets=type,place,actor&count=exact&cursor=${Buffer.from(JSON.stringify(['date', `${day()}T00:00:00.000Z`, ''])).toString('base64url')}`)])
    rows.push(['list of 50, actor filter, facets type,place,actor (uncached)', await load(noCache, () => `/v1/events?limit=50&actor=${actorId(EVENTS)}&facets=type,place,actor`)])
    rows.push(['page /: histogram, map, facets, 50 events (uncached; p50 target 300 ms)', await load(noCache, () => '/')])
    rows.push(['page / narrowed to one place (uncached)', await load(noCache, () => `/?place=${placeId(EVENTS)}`)])
    const cachedStats = `${base}/v1/stats/events?groupBy=period,type&period=month&measures=killed`
    rows.push(['stats: month x type, killed only, repeated (cache hit)', await load(cachedStats), 0.5])
    // What browsers, curl --compressed and HTTP libraries ask for: the cached brotli body.
    const compressed = { headers: { 'accept-encoding': 'gzip, deflate, br' } }
    rows.push(['the same stats, Accept-Encoding: gzip, br (cache hit, brotli)', await load(cachedStats, undefined, compressed), 0.5])
    rows.push(['the REST list of 50, Accept-Encoding: gzip, br (cache hit, brotli)', await load(`${base}/v1/events?limit=50&sort=-date&type=attack`, undefined, compressed), 0.3])
    rows.push([`bare Fastify route sending ${pageBytes} bytes, the size of that page`, await load(`http://127.0.0.1:${barePort}/bare-large`)])
    // What the bytes of the cached stats answers cost by themselves: a bare route sending as many.
    for (const [label, headers] of [['', {}], [' brotli', compressed.headers]] as const) {
      // The length on the wire: a cache hit carries content-length, compressed or not.
      const bytes = Number((await send(apiPort, { path: new URL(cachedStats).pathname + new URL(cachedStats).search, headers })).headers['content-length'])
      rows.push([`bare Fastify route sending ${bytes} bytes, the size of the${label} stats answer`, await load(`http://127.0.0.1:${barePort}/bare-sized?bytes=${bytes}`)])
    }
    const sql10 = await statementsPerRequest(10)
    const sql100 = await statementsPerRequest(100)
    // Printed now, so that a failure in the exports below leaves these figures on screen.
    console.log('\nResponses (autocannon, 10 connections, %ds each; latencies from each response\'s own time)', DURATION)
    console.log('| case | req/s | p50 ms | p99 ms | server CPU µs/req | ratio to bare | target |')
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const [name, r, target] of rows) {
      const ratio = r.rps / baseline.rps
      console.log(`| ${name} | ${r.rps.toFixed(0)}${r.refused ? ` (${r.refused} refused with 503)` : ''} | ${r.p50} | ${r.p99} | ${r.cpuUs.toFixed(0)} | ${ratio.toFixed(3)} | ${target ? `>= ${target} ${ratio >= target ? 'met' : 'NOT met'}` : ''} |`)
    }
    console.log('\nThe stats cases and the page, one request at a time (1 connection, uncached)')
    console.log('| case | req/s | p50 ms | p99 ms | server CPU µs/req | p50 target ms |')
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const [name, r, target] of oneAtATime) {
      console.log(`| ${name} | ${r.rps.toFixed(1)}${r.refused ? ` (${r.refused} refused with 503)` : ''} | ${r.p50} | ${r.p99} | ${r.cpuUs.toFixed(0)} | ${target} ${r.p50 < target ? 'met' : 'NOT met'} |`)
    }
    console.log(`\nSQL statements per nested GraphQL request: ${sql10} at page size 10, ${sql100} at page size 100 (${sql10 === sql100 ? 'equal' : 'NOT equal'})`)
  }

  // Export throughput and memory, with nothing else running.
  await runExport(base) // warm the page cache and the JIT
  const rssBefore = rss(api.pid!)
  let peak = rssBefore
  const sampler = setInterval(() => { peak = Math.max(peak, rss(api.pid!)) }, 20)
  const exp = await runExport(base)
  clearInterval(sampler)

  // Single reads while two exports stream: at one connection, the server has time left for the
  // exports (SCHED_IDLE threads), and the reads show what an export costs them; at ten, the reads
  // take the whole core and the exports wait, which the exports' own rate shows.
  const withExports = [await readsDuringExports(1), await readsDuringExports(10)]

  const mb = exp.bytes / 1e6
  console.log('\nNDJSON export of the whole dataset')
  console.log(`| bytes | records | seconds | MB/s (target >= 100) | records/s | RSS growth MB (target <= 64) |`)
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
  console.log(`| ${exp.bytes} | ${exp.records} | ${exp.seconds.toFixed(2)} | ${(mb / exp.seconds).toFixed(1)} ${mb / exp.seconds >= 100 ? 'met' : 'NOT met'} | ${(exp.records / exp.seconds).toFixed(0)} | ${((peak - rssBefore) / 1e6).toFixed(1)} ${(peak - rssBefore) / 1e6 <= 64 ? 'met' : 'NOT met'} |`)
  console.log('\nSingle-event reads alone, then while two NDJSON exports stream (the readers in processes of their own)')
  console.log('| connections | reads alone req/s | p99 ms | during exports req/s | p99 ms | ratio | p99 ratio (target < 2) | exports MB/s meanwhile | exports completed |')
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const w of withExports) {
    const p99x = w.during.p99 / w.alone.p99
    console.log(`| ${w.connections} | ${w.alone.rps.toFixed(0)} | ${w.alone.p99} | ${w.during.rps.toFixed(0)} | ${w.during.p99} | ${(w.during.rps / w.alone.rps).toFixed(2)} | ${p99x.toFixed(2)} ${p99x < 2 ? 'met' : 'NOT met'} | ${w.exportMBps.toFixed(1)} | ${w.exportsDone} |`)
  }
  const mbOf = (n: number) => (n / 1e6).toFixed(0)
  console.log(`\nServer RSS peak through the whole run: cached server ${mbOf(peakRss.cached)} MB, uncached ${mbOf(peakRss.uncached)} MB (target < 512 MB: ${Math.max(peakRss.cached, peakRss.uncached) < 512e6 ? 'met' : 'NOT met'})`)
} finally {
  clearInterval(rssSampler)
  api.kill('SIGTERM')
  uncached.kill('SIGTERM')
  bare.kill('SIGTERM')
  if (!values.db) rmSync(dir, { recursive: true, force: true })
}
