import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NESTED, pick, randomDay, SYNTH_SPAN, WORDS } from './cases.ts'
import { loadFlags, measure, parseLoad, printTable, rate, ratio, type LoadOptions, type Measured, type Target } from './load.ts'
import { canPin, freePort, pinSelf, startServer, stop } from './support.ts'
import { buildSynthDb } from './synth-db.ts'

// The same uncached reads over synthetic databases of growing size, each beside a bare Fastify
// route, to show that what a request costs follows the page it returns, not the data behind it.
const { values } = parseArgs({
  options: {
    ...loadFlags,
    sizes: { type: 'string', default: '10k,100k,1m' },
    'db-10k': { type: 'string' },
    'db-100k': { type: 'string' },
    'db-1m': { type: 'string' },
    bare: { type: 'string' },
  },
})
const load = parseLoad(values)
const sizes = values.sizes.split(',').map((label) => ({ label, events: Number(label.toLowerCase().replace(/k$/, 'e3').replace(/m$/, 'e6')) }))
for (const s of sizes) if (!Number.isInteger(s.events) || s.events < 1000) throw new Error(`--sizes: "${s.label}" is not a size such as 10k, 250000 or 1m (at least 1k)`)
const givenDb = (label: string) => (values as Record<string, string | undefined>)[`db-${label.toLowerCase()}`]

/** Cursors into the last months of the data, where a keyset page sits behind nearly every event. */
async function deepCursors(api: string): Promise<string[]> {
  const end = SYNTH_SPAN.start + SYNTH_SPAN.days * 86_400_000
  const days = Array.from({ length: 20 }, () => randomDay({ start: end - 150 * 86_400_000, days: 150 }, 60))
  const pages = await Promise.all(days.map(async (d) => (await (await fetch(`${api}/v1/events?limit=50&sort=date&from=${d}`)).json()) as { page: { nextCursor: string | null } }))
  const cursors = pages.map((p) => p.page.nextCursor).filter((c): c is string => !!c)
  if (!cursors.length) throw new Error(`${api}: no next page after the dates ${days.join(', ')}`)
  return cursors
}

// Search's target is the time of one request, so it is also measured one request at a time.
const ONE_AT_A_TIME = { connections: 1, duration: 5, warmup: 1 }
const cases: [string, (api: string, cursors: string[]) => Target, LoadOptions?][] = [
  ['list of 50, first page', (base) => ({ base, path: () => '/v1/events?limit=50&sort=date', rows: 50 })],
  ['list of 50, deep cursor page', (base, cursors) => ({ base, path: () => `/v1/events?limit=50&sort=date&cursor=${pick(cursors)}`, rows: 50 })],
  ['GraphQL: 50 events with nested relations', (base) => ({ base, path: () => '/graphql', body: () => JSON.stringify({ query: NESTED, variables: { from: randomDay(SYNTH_SPAN) } }), rows: 50 })],
  ['search: /v1/search?q=<common word>', (base) => ({ base, path: () => `/v1/search?q=${pick(WORDS)}` })],
  ['search, one request at a time (p50 target 30 ms at 1m)', (base) => ({ base, path: () => `/v1/search?q=${pick([...WORDS, 'record'])}` }), ONE_AT_A_TIME],
  ['list of 50 with q=<common word>', (base) => ({ base, path: () => `/v1/events?limit=50&q=${pick(WORDS)}`, rows: 50 })],
]

const dir = mkdtempSync(join(tmpdir(), 'timeline-scale-'))
const closers: (() => Promise<void>)[] = []
process.once('SIGINT', () => void Promise.all(closers.map((c) => c())).then(() => process.exit(130)))
try {
  const bare = values.bare ?? await (async () => {
    const port = await freePort()
    const child = await startServer('bench/bare-server.ts', { PORT: String(port) }, 0)
    closers.push(() => stop(child))
    return `http://127.0.0.1:${port}/bare`
  })()
  pinSelf()
  const baseline = await measure({ base: bare, path: () => '' }, load)
  const results = new Map<string, Measured[]>(cases.map(([name]) => [name, []]))
  for (const size of sizes) {
    const dbPath = givenDb(size.label) ?? join(dir, `${size.label}.db`)
    if (!givenDb(size.label)) buildSynthDb(dbPath, size.events)
    const port = await freePort()
    // Uncached, so that every request reaches the database; a million events take a while to open.
    const child = await startServer('src/server.ts', { DATABASE_PATH: dbPath, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', SEED_ON_START: 'false', CACHE_MAX_ENTRIES: '0' }, 0, 180_000)
    try {
      const api = `http://127.0.0.1:${port}`
      const cursors = await deepCursors(api)
      for (const [name, target, own] of cases) results.get(name)!.push(await measure(target(api, cursors), own ?? load))
    } finally {
      await stop(child)
    }
  }
  console.log(`\nautocannon -c ${load.connections} -d ${load.duration} after ${load.warmup} s of warm-up; response cache off; ${cpus().length} cores; node ${process.version}; ${canPin ? 'servers started here on core 0, load on core 1' : 'nothing pinned'}`)
  console.log(`bare route ${bare}: ${rate(baseline)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms\n`)
  const rows = [...results].flatMap(([name, ms]) => ms.map((m, i) => [name, sizes[i]!.events.toLocaleString('en'), rate(m), m.p50, m.p99, ratio(m.rps, baseline.rps), ratio(m.rps, ms[0]!.rps)]))
  printTable(['case', 'events', 'req/s', 'p50 ms', 'p99 ms', 'x bare', `x ${sizes[0]!.label}`], rows)
} finally {
  await Promise.all(closers.map((c) => c()))
  rmSync(dir, { recursive: true, force: true })
}
