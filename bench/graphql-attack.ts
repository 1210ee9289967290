import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { seedData } from '../seed/data.ts'
import { migrateDatabase, openDatabase } from '../src/db/client.ts'
import { seedDatabase } from '../src/db/seed.ts'
import { synthesise } from '../src/db/synth.ts'
import { freePort, paced, percentile, pinSelf, rss, send, startServer } from './support.ts'

// One client sends hostile GraphQL documents for a bounded time while a second, ordinary client
// reads at a steady pace; the server runs with its default limits. Prints the server's peak RSS
// and the ordinary client's latency, against the targets (RSS under 512 MB, p99 under 50 ms).
const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '180' },
  events: { type: 'string', default: '10000' },
  attackers: { type: 'string', default: '4' },
} })
const SECONDS = Number(values.seconds)
const EVENTS = Number(values.events)
const ATTACKERS = Number(values.attackers)

const dir = mkdtempSync(join(tmpdir(), 'timeline-attack-'))
const dbPath = join(dir, 'attack.db')
console.log(`building seed + ${EVENTS} synthetic events...`)
{
  const storage = openDatabase(dbPath)
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  synthesise(storage.sqlite, { events: EVENTS })
  storage.close()
}

/** The documents that broke the server before, each made unique so no cache can absorb it. */
const attacks: [string, (n: number) => string][] = [
  ['25,000 operations', (n) => `${Array.from({ length: 25_000 }, (_, i) => `query Q${i} { dataset { version } }`).join('\n')}\n# ${n}`],
  ['1 MB of whitespace', (n) => `{ dataset { version } }${' '.repeat(1_000_000)}# ${n}`],
  ['1 MB of comments', (n) => `{ dataset { version } }\n${'# padding\n'.repeat(100_000)}# ${n}`],
  ['__typename repeated', (n) => `{ ${'__typename '.repeat(1450)} } # ${n}`],
  ['deep nesting', (n) => `{${'a{'.repeat(20_000)}${'}'.repeat(20_001)} # ${n}`],
  ['largest valid document', (n) => `{ dataset { ${'version '.repeat(550)} } } # ${n}`],
]

const port = await freePort()
const server = await startServer('src/server.ts', { PORT: String(port), DATABASE_PATH: dbPath, LOG_LEVEL: 'error', SEED_ON_START: 'false' }, 0)
pinSelf()

const rssStart = rss(server.pid!)
let rssPeak = rssStart
const sampler = setInterval(() => { try { rssPeak = Math.max(rssPeak, rss(server.pid!)) } catch { /* exited */ } }, 200)
const until = performance.now() + SECONDS * 1000
const attackStatus = new Map<string, Map<number, number>>()
const normal: { status: number, ms: number }[] = []

const attacker = async (k: number) => {
  for (let n = k; performance.now() < until; n += ATTACKERS) {
    const [name, make] = attacks[n % attacks.length]!
    const res = await send(port, { method: 'POST', path: '/graphql', body: JSON.stringify({ query: make(n), ...(n % attacks.length === 0 ? { operationName: 'Q1' } : {}) }), from: '127.0.0.2' })
    const byStatus = attackStatus.get(name) ?? new Map<number, number>()
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1)
    attackStatus.set(name, byStatus)
  }
}
// The ordinary reader stays under its own rate limit (600 a minute): 8 requests a second.
const NORMAL = [
  () => ({ path: '/v1/events?limit=20&sort=-date' }),
  (i: number) => ({ path: `/v1/events?limit=10&from=2021-${String(1 + (i % 12)).padStart(2, '0')}-01` }),
  () => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query: '{ events(first: 10) { nodes { id title place { name } } } }' }) }),
  (i: number) => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query: `{ events(first: 5, filter: { from: "2022-0${1 + (i % 9)}-01" }) { nodes { id title actors { role actor { name } } } } }` }) }),
]
const reader = paced(125, until, async (i) => {
  const res = await send(port, { ...NORMAL[i % NORMAL.length]!(i), from: '127.0.0.3' })
  normal.push({ status: res.status, ms: res.ms })
})

try {
  await Promise.all([reader, ...Array.from({ length: ATTACKERS }, (_, k) => attacker(k))])
} finally {
  clearInterval(sampler)
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}

const ok = normal.filter((r) => r.status === 200)
const p99 = percentile(ok.map((r) => r.ms), 99)
const peakMb = rssPeak / 1e6
console.log(`\nGraphQL attack for ${SECONDS} s: ${ATTACKERS} attacking connections from one address, default limits`)
console.log('| document | responses by status |')
console.log('| --- | --- |')
for (const [name, byStatus] of attackStatus) console.log(`| ${name} | ${[...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')} |`)
console.log('\n| measure | value | target |')
console.log('| --- | ---: | --- |')
console.log(`| server RSS at start / peak, MB | ${(rssStart / 1e6).toFixed(0)} / ${peakMb.toFixed(0)} | peak < 512 ${peakMb < 512 ? 'met' : 'NOT met'} |`)
console.log(`| ordinary client: requests, non-200 | ${normal.length}, ${normal.length - ok.length} | 0 non-200 ${normal.length === ok.length ? 'met' : 'NOT met'} |`)
console.log(`| ordinary client p50 / p99, ms | ${percentile(ok.map((r) => r.ms), 50).toFixed(1)} / ${p99.toFixed(1)} | p99 < 50 ${p99 < 50 ? 'met' : 'NOT met'} |`)
