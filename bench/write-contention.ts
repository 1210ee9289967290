import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { seedData } from '../seed/data.ts'
import { migrateDatabase, openDatabase } from '../src/db/client.ts'
import { seedDatabase } from '../src/db/seed.ts'
import { createKey } from '../src/modules/keys/queries.ts'
import { writeLargeAcled } from '../tests/import/support.ts'
import { freePort, percentile, pinSelf, send, spawnTs, startServer } from './support.ts'

// An import in another process holds the write lock batch after batch while the server keeps
// answering reads and takes writes. Targets: no read refused, read p99 under 20 ms, every write
// either committed or refused with 503 and Retry-After.
const { values } = parseArgs({ options: { rows: { type: 'string', default: '5000' }, batch: { type: 'string', default: '500' } } })
const ROWS = Number(values.rows)

const dir = mkdtempSync(join(tmpdir(), 'timeline-contention-'))
const dbPath = join(dir, 'contention.db')
const csv = join(dir, 'acled.csv')
writeLargeAcled(csv, ROWS)
let key: string
{
  const storage = openDatabase(dbPath)
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  key = createKey(storage.sqlite, 'bench editor', 'editor').key
  storage.close()
}

const port = await freePort()
// The rate limit is off: this measures the lock, not the per-client budget.
const server = await startServer('src/server.ts', { PORT: String(port), DATABASE_PATH: dbPath, LOG_LEVEL: 'error', SEED_ON_START: 'false', RATE_LIMIT_MAX: '0' }, 0)
pinSelf()

const reads: { status: number, ms: number }[] = []
const writes: { status: number, ms: number, retryAfter: boolean }[] = []
const started = performance.now()
const importer = spawnTs('src/cli/import.ts', ['--format', 'acled', '--batch', String(values.batch), csv], { DATABASE_PATH: dbPath }, 1)
let report = ''
importer.stdout!.on('data', (d: Buffer) => { report += d.toString() })
const importExit = new Promise<number>((resolve) => importer.once('exit', (code) => resolve(code ?? -1)))
let importing = true
void importExit.then(() => { importing = false })

/** Calls `fn` every `intervalMs`, not waiting for answers, until the import has ended. */
const stopWhenDone = async (intervalMs: number, fn: (i: number) => Promise<void>) => {
  const pending: Promise<void>[] = []
  for (let i = 0; importing; i++) {
    pending.push(fn(i))
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  await Promise.all(pending)
}

try {
  await Promise.all([
    // 50 reads a second over pages that are not all in the response cache.
    stopWhenDone(20, async (i) => {
      const res = await send(port, { path: `/v1/events?limit=20&sort=-date&from=20${10 + (i % 15)}-01-01` })
      reads.push({ status: res.status, ms: res.ms })
    }),
    // 5 writes a second: new places, each its own record.
    stopWhenDone(200, async (i) => {
      const body = JSON.stringify({ id: `contention-place-${i}`, name: `Contention place ${i}`, kind: 'city', countryCode: 'AM' })
      const res = await send(port, { method: 'POST', path: '/v1/places', body, headers: { authorization: `Bearer ${key}` } })
      writes.push({ status: res.status, ms: res.ms, retryAfter: res.headers['retry-after'] !== undefined })
    }),
  ])
} finally {
  server.kill('SIGTERM')
}
const exitCode = await importExit
const seconds = (performance.now() - started) / 1000
rmSync(dir, { recursive: true, force: true })

const summary = (() => { try { return JSON.parse(report) as { rows: number, imported: number } } catch { return undefined } })()
const refused = reads.filter((r) => r.status !== 200).length
const okReads = reads.filter((r) => r.status === 200).map((r) => r.ms)
const committed = writes.filter((w) => w.status === 201).length
const busy = writes.filter((w) => w.status === 503 && w.retryAfter).length
const other = writes.length - committed - busy
const p99 = percentile(okReads, 99)
console.log(`\nImport of ${ROWS} ACLED rows (exit ${exitCode}, ${summary ? `${summary.imported} imported` : 'no report'}) in ${seconds.toFixed(1)} s beside server reads and writes`)
console.log('| measure | value | target |')
console.log('| --- | ---: | --- |')
console.log(`| reads: sent, refused | ${reads.length}, ${refused} | 0 refused ${refused === 0 ? 'met' : 'NOT met'} |`)
console.log(`| read p50 / p99, ms | ${percentile(okReads, 50).toFixed(1)} / ${p99.toFixed(1)} | p99 < 20 ${p99 < 20 ? 'met' : 'NOT met'} |`)
console.log(`| writes: sent, committed, 503 with Retry-After, other | ${writes.length}, ${committed}, ${busy}, ${other} | 0 other ${other === 0 ? 'met' : 'NOT met'} |`)
console.log(`| write p50 / p99, ms | ${percentile(writes.map((w) => w.ms), 50).toFixed(1)} / ${percentile(writes.map((w) => w.ms), 99).toFixed(1)} | |`)
