import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'

// Server time and size of the page at / and views a reader reaches from it, on a database built
// before (npm run db:synth). Requests go through app.inject, one at a time: the time is the
// server's own, with no HTTP cache in front.
const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string', default: '9' } } })
if (!values.db) {
  console.error('bench/page.ts: --db <path to a synthetic database> is required')
  process.exit(2)
}
const runs = Number(values.runs)
const app = await buildApp({ config: { databasePath: values.db, logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
await app.ready()
const URLS = ['/', '/?from=2021&to=2021', '/?from=2021-03&to=2021-03', '/?from=2021-03-02&to=2021-03-02',
  '/?type=attack', '/?place=synth-place-000012', '/?actor=synth-actor-000003', '/events/synth-event-0000001']
console.log('| page | bytes | first ms | median ms | worst ms |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const url of URLS) {
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i <= runs; i++) {
    const t = performance.now()
    const res = await app.inject(url)
    times.push(performance.now() - t)
    bytes = res.body.length
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`)
  }
  const [first, ...rest] = times
  rest.sort((a, b) => a - b)
  console.log(`| ${url} | ${bytes} | ${first!.toFixed(0)} | ${rest[rest.length >> 1]!.toFixed(0)} | ${rest[rest.length - 1]!.toFixed(0)} |`)
}
await app.close()
