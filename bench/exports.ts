import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'

// Starts the server on an existing database and sends N concurrent full exports, reading each at
// full speed, while sampling the server's RSS. Bounded: N requests, each read to its end.
// usage: DATABASE_PATH=... npx tsx bench/exports.ts [--concurrent 20] [--max 2]
const { values } = parseArgs({ options: { concurrent: { type: 'string', default: '20' }, max: { type: 'string', default: '2' }, format: { type: 'string', default: 'ndjson' } } })
const N = Number(values.concurrent)
const databasePath = process.env.DATABASE_PATH
if (!databasePath) throw new Error('set DATABASE_PATH to a database built with npm run db:synth')

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
})
const server = fork('src/server.ts', [], {
  execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', EXPORT_MAX_CONCURRENT: values.max!, SEED_ON_START: 'false' },
})
const base = `http://127.0.0.1:${port}`
for (let i = 0; ; i++) {
  try { await fetch(`${base}/health`); break } catch { if (i > 300) throw new Error('server did not start'); await new Promise((r) => setTimeout(r, 100)) }
}
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024
const before = rss()
let peak = before
const sampler = setInterval(() => { peak = Math.max(peak, rss()) }, 20)
const started = Date.now()
const results = await Promise.all(Array.from({ length: N }, async () => {
  const res = await fetch(`${base}/v1/export?format=${values.format}`)
  let bytes = 0
  const reader = res.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length
  return { status: res.status, retryAfter: res.headers.get('retry-after'), bytes }
}))
const seconds = (Date.now() - started) / 1000
clearInterval(sampler)
const served = results.filter((r) => r.status === 200)
const refused = results.filter((r) => r.status === 503)
console.log(JSON.stringify({
  concurrent: N, exportMaxConcurrent: Number(values.max), served: served.length, refused: refused.length,
  retryAfter: refused[0]?.retryAfter ?? null, bytesPerExport: served[0]?.bytes ?? 0, seconds,
  rssBeforeMB: Math.round(before), rssPeakMB: Math.round(peak), rssGrowthMB: Math.round(peak - before),
}))
server.kill('SIGTERM')
