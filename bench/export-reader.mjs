// A client for the benchmarks: streams NDJSON exports from the base URL in its argument, one after
// another, until SIGTERM lets the current one finish. Every 100 ms, and once at the end, it prints
// a JSON line with the time (Date.now()), the bytes read so far and the exports completed, so that
// the bench can tell what the exports got in any window of the run.
const base = process.argv[2]
let bytes = 0
let done = 0
let stop = false
const report = () => console.log(JSON.stringify({ t: Date.now(), bytes, done }))
process.on('SIGTERM', () => { stop = true })
const ticker = setInterval(report, 100)
report()
while (!stop) {
  const res = await fetch(`${base}/v1/export?format=ndjson`)
  if (!res.ok) throw new Error(`export: HTTP ${res.status}: ${await res.text()}`)
  for await (const chunk of res.body) bytes += chunk.length
  done++
}
clearInterval(ticker)
report()
