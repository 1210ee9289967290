// A client for the benchmarks: streams NDJSON exports from the base URL in its argument, one after
// another, until SIGTERM lets the current one finish; then prints the bytes read, the exports
// completed and the seconds taken as one JSON line.
const base = process.argv[2]
let bytes = 0
let done = 0
let stop = false
process.on('SIGTERM', () => { stop = true })
const started = performance.now()
while (!stop) {
  const res = await fetch(`${base}/v1/export?format=ndjson`)
  if (!res.ok) throw new Error(`export: HTTP ${res.status}: ${await res.text()}`)
  for await (const chunk of res.body) bytes += chunk.length
  done++
}
console.log(JSON.stringify({ bytes, done, seconds: (performance.now() - started) / 1000 }))
