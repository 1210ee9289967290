import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { execFile, execFileSync } from 'node:child_process'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort, percentile, pinSelf, rss, send, startServer } from './support.ts'

// Export throughput, memory and the cost to other readers, on an existing database:
//  - one NDJSON export of the whole dataset, then two at once: MB/s, server RSS growth, and the
//    longest event-loop stall in the server (measured inside it by bench/loop-delay.mjs);
//  - single-event reads at a steady rate alone, then while two exports stream: p50/p99;
//  - optionally --flood N exports at once against EXPORT_MAX_CONCURRENT (--max): served and refused.
// The server runs on core 0 and this load generator on core 1 (see support.ts).
// usage: DATABASE_PATH=... npx tsx bench/exports.ts [--format ndjson] [--rate 200] [--flood 0] [--max 2]
const { values } = parseArgs({ options: {
  format: { type: 'string', default: 'ndjson' }, rate: { type: 'string', default: '50' },
  flood: { type: 'string', default: '0' }, max: { type: 'string', default: '2' },
} })
const databasePath = process.env.DATABASE_PATH
if (!databasePath) throw new Error('set DATABASE_PATH to a database built with npm run db:synth')

const dir = mkdtempSync(join(tmpdir(), 'export-bench-'))
const delayFile = join(dir, 'delay.json')
const port = await freePort()
const server = await startServer('src/server.ts', {
  DATABASE_PATH: databasePath, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', SEED_ON_START: 'false',
  EXPORT_MAX_CONCURRENT: values.max!, LOOP_DELAY_FILE: delayFile,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${resolve('bench/loop-delay.mjs')}`.trim(),
}, 0)
pinSelf()
const base = `http://127.0.0.1:${port}`
const hasCurl = (() => { try { execFileSync('curl', ['--version'], { stdio: 'ignore' }); return true } catch { return false } })()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The longest event-loop delay in the server since the last call, in ms. */
async function loopDelay(): Promise<{ maxMs: number, p99Ms: number, maxCpuMs: number, peakMB: Record<string, number> }> {
  rmSync(delayFile, { force: true })
  process.kill(server.pid!, 'SIGWINCH')
  for (let i = 0; i < 100; i++) {
    try { return JSON.parse(readFileSync(delayFile, 'utf8')) } catch { await sleep(20) }
  }
  throw new Error('the server did not report its event-loop delay')
}

interface Exported { status: number, bytes: number, retryAfter: string | null }

/**
 * One export read to its end at full speed. curl reads it when there is one: a Node reader on a
 * shared core parses the chunked body more slowly than the server writes it.
 */
function runExport(): Promise<Exported> {
  const url = `${base}/v1/export?format=${values.format}`
  if (!hasCurl) return readWithNode(url)
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-o', '/dev/null', '-D', '-', '-w', '%{http_code} %{size_download}', url], (err, out) => {
      if (err) return reject(err)
      const [status, bytes] = out.trim().split('\n').pop()!.split(' ').map(Number) as [number, number]
      const retryAfter = /^retry-after:\s*(\S+)/im.exec(out)?.[1] ?? null
      if (status !== 200 && status !== 503) return reject(new Error(`export answered ${status}`))
      resolve({ status, bytes, retryAfter })
    })
  })
}

function readWithNode(url: string): Promise<Exported> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => { bytes += chunk.length })
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status !== 200 && status !== 503) return reject(new Error(`export answered ${status}`))
        resolve({ status, bytes, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null })
      })
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** CPU time the server has used, in seconds (user + system, from /proc). */
function cpuSeconds(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * Runs `n` exports at once, sampling the server's RSS; MB/s is all bytes over the wall time, and
 * MB per CPU-second the same bytes over the server's CPU time, which other work on a shared
 * machine disturbs less.
 */
async function exportsAtOnce(n: number) {
  await loopDelay()
  const before = rss(server.pid!)
  let peak = before
  const sampler = setInterval(() => { peak = Math.max(peak, rss(server.pid!)) }, 20)
  const started = performance.now()
  const cpu = cpuSeconds()
  const results = await Promise.all(Array.from({ length: n }, runExport))
  const seconds = (performance.now() - started) / 1000
  const cpuUsed = cpuSeconds() - cpu
  clearInterval(sampler)
  const inside = await loopDelay()
  const bytes = results.reduce((a, r) => a + r.bytes, 0)
  return { n, seconds: +seconds.toFixed(2), mbPerS: +(bytes / 1e6 / seconds).toFixed(1), mbPerCpuS: +(bytes / 1e6 / cpuUsed).toFixed(1), rssGrowthMB: +((peak - before) / 1e6).toFixed(1), loopMaxMs: +inside.maxMs.toFixed(1), loopMaxCpuMs: inside.maxCpuMs, peakMB: inside.peakMB, results }
}

/** Single-event reads at a steady rate (open loop: a slow answer does not delay the next) for `ms`, or until `until` settles. */
async function reads(ids: number, ms: number, until?: Promise<unknown>) {
  const times: number[] = []
  let non200 = 0
  let done = false
  void until?.then(() => { done = true })
  const end = performance.now() + ms
  const pending: Promise<void>[] = []
  while (!done && performance.now() < end) {
    pending.push(send(port, { path: `/v1/events/synth-event-${String(Math.floor(Math.random() * ids)).padStart(7, '0')}` }).then((r) => {
      if (r.status === 200) times.push(r.ms)
      else non200++
    }))
    await sleep(1000 / Number(values.rate))
  }
  await Promise.all(pending)
  return { reads: times.length, non200, p50Ms: +percentile(times, 50).toFixed(2), p99Ms: +percentile(times, 99).toFixed(2) }
}

try {
  // Warms the page cache and the JIT; a server still warming its own caches answers 503 OVERLOADED.
  let warm = await runExport()
  for (let i = 0; warm.status !== 200 && i < 30; i++) { await sleep(2000); warm = await runExport() }
  const counts = (await (await fetch(`${base}/v1/dataset`)).json()) as { data: { counts: { events: number } } }
  const ids = Math.floor(counts.data.counts.events * 0.99)
  const one = await exportsAtOnce(1)
  const two = await exportsAtOnce(2)
  // Reads alone, then during two more exports: apart from the memory figures above, since each
  // read maps pages of the server's own connection, which counts in its RSS too.
  const alone = await reads(ids, 5000)
  const twoMore = exportsAtOnce(2)
  const during = await reads(ids, 600_000, twoMore)
  const withReads = await twoMore
  const bytesPerExport = one.results[0]!.bytes
  console.log(JSON.stringify({
    format: values.format, reader: hasCurl ? 'curl' : 'node:http', bytesPerExport,
    one: { seconds: one.seconds, mbPerS: one.mbPerS, mbPerCpuS: one.mbPerCpuS, rssGrowthMB: one.rssGrowthMB, loopMaxMs: one.loopMaxMs, loopMaxCpuMs: one.loopMaxCpuMs, peakMB: one.peakMB },
    two: { seconds: two.seconds, mbPerS: two.mbPerS, mbPerCpuS: two.mbPerCpuS, ratioToOne: +(two.mbPerS / one.mbPerS).toFixed(2), rssGrowthMB: two.rssGrowthMB, loopMaxMs: two.loopMaxMs, loopMaxCpuMs: two.loopMaxCpuMs, peakMB: two.peakMB },
    readsAlone: alone, readsDuringTwo: { ...during, loopMaxMs: withReads.loopMaxMs, loopMaxCpuMs: withReads.loopMaxCpuMs }, p99Ratio: +(during.p99Ms / alone.p99Ms).toFixed(2),
  }, null, 1))
  const flood = Number(values.flood)
  if (flood > 0) {
    const f = await exportsAtOnce(flood)
    const refused = f.results.filter((r) => r.status === 503)
    console.log(JSON.stringify({ flood, exportMaxConcurrent: Number(values.max), served: f.results.filter((r) => r.status === 200).length,
      refused: refused.length, retryAfter: refused[0]?.retryAfter ?? null, rssGrowthMB: f.rssGrowthMB, loopMaxMs: f.loopMaxMs }))
  }
} finally {
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
