// Loaded into a server under benchmark with NODE_OPTIONS=--import. On SIGWINCH (a signal
// close-with-grace leaves alone) it writes to LOOP_DELAY_FILE the longest event-loop delay and
// the peak of each part of process.memoryUsage() since the last signal, then starts over, so a
// benchmark can tell how long the server's thread was held, and where memory went, in one phase.
import { readFileSync, writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const file = process.env.LOOP_DELAY_FILE
if (file) {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  let peak = {}
  const sample = () => {
    for (const [k, v] of Object.entries(process.memoryUsage())) peak[k] = Math.max(peak[k] ?? 0, v)
    // Anonymous memory (heap, malloc) apart from mapped files, which the kernel can drop.
    for (const [, k, kb] of readFileSync('/proc/self/status', 'utf8').matchAll(/^(RssAnon|RssFile|RssShmem):\s+(\d+) kB/gm)) peak[k] = Math.max(peak[k] ?? 0, Number(kb) * 1024)
  }
  setInterval(sample, 25).unref()
  // CPU used between two ticks 5 ms apart: a long gap with little CPU was the thread waiting (on
  // the disk, a lock or other processes on its core), not work of its own.
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000 }
  let lastCpu = cpuMs()
  let maxCpuGap = 0
  setInterval(() => { const now = cpuMs(); maxCpuGap = Math.max(maxCpuGap, now - lastCpu); lastCpu = now }, 5).unref()
  process.on('SIGWINCH', () => {
    sample()
    const mb = Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v / 1e5) / 10]))
    writeFileSync(file, JSON.stringify({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, maxCpuMs: Math.round(maxCpuGap), peakMB: mb }))
    h.reset()
    peak = {}
    maxCpuGap = 0
  })
}
