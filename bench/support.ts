import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { cpus } from 'node:os'

/**
 * Reads a database file (and its WAL) through once, so that a run starts on a warm page cache as a
 * server that has been up a while does, whatever the machine did before: otherwise the first
 * cases measure the disk (at a million events the file is 6 GB; a bench:peer run on a file the
 * system had partly evicted answered single events at 262 ms p99 instead of 13).
 */
export function readThrough(path: string): void {
  for (const f of [path, `${path}-wal`]) if (existsSync(f)) execFileSync('cat', [f], { stdio: ['ignore', 'ignore', 'inherit'] })
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** `taskset` is there and there are two cores to keep apart; otherwise nothing is pinned. */
export const canPin = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return cpus().length >= 2
  } catch {
    return false
  }
})()

/** Moves this process (the load generator) to core 1, away from the server on core 0. */
export function pinSelf(): void {
  if (canPin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })
}

/** Spawns a command on the given core when pinning is possible. */
export function spawnPinned(cmd: string, args: string[], opts: SpawnOptions, core?: number): ChildProcess {
  const [c, ...rest] = canPin && core !== undefined ? ['taskset', '-c', String(core), cmd, ...args] : [cmd, ...args]
  return spawn(c!, rest, opts)
}

/** Runs a TypeScript entry point under Node, on the given core when pinning is possible. */
export function spawnTs(script: string, args: string[], env: Record<string, string>, core?: number): ChildProcess {
  return spawnPinned(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] }, core)
}

/** Waits until `url` answers, failing early when the child exits and after `timeoutMs`. */
export async function waitUntilUp(url: string, child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before answering`)
    try { await fetch(url); return } catch { await new Promise((r) => setTimeout(r, 100)) }
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`)
}

/** Starts a server entry point and waits until it answers on its port. */
export async function startServer(script: string, env: Record<string, string>, core?: number, timeoutMs?: number): Promise<ChildProcess> {
  const child = spawnTs(script, [], env, core)
  child.stdout!.resume()
  await waitUntilUp(`http://127.0.0.1:${env.PORT}/health`, child, script, timeoutMs)
  return child
}

/** Stops a child process and waits for it to be gone. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await gone
  clearTimeout(timer)
}

/** Resident memory of a process, in bytes, read from /proc. */
export const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

export interface Sent { status: number, ms: number, headers: Record<string, string | string[] | undefined> }

/**
 * One HTTP request on a fresh connection from a chosen local address: the rate limit keys clients
 * by address, so an attacker and a normal reader on one machine are told apart as on a network.
 */
export function send(port: number, opts: { method?: string, path: string, body?: string, headers?: Record<string, string>, from?: string }): Promise<Sent> {
  const started = performance.now()
  return new Promise((resolve) => {
    const req = request({
      host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, localAddress: opts.from, agent: false,
      headers: { ...(opts.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) } : {}), ...opts.headers },
    }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, headers: res.headers }))
    })
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, headers: {} }))
    req.end(opts.body)
  })
}

/** Calls `fn` every `intervalMs` (open loop: a slow answer does not slow the next request) until `until`. */
export async function paced(intervalMs: number, until: number, fn: (i: number) => Promise<void>): Promise<void> {
  const pending: Promise<void>[] = []
  for (let i = 0; performance.now() < until; i++) {
    pending.push(fn(i))
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  await Promise.all(pending)
}

/** CPU time a process has used, user and system, all its threads, in ticks of 10 ms (Linux, from /proc). */
export const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/**
 * Waits until the processes are idle (under a tenth of a core each over half a second), or 30 s:
 * a server warms up after it starts answering (the page, the stats threads), and a measurement
 * taken meanwhile would count that work against the first case.
 */
export async function waitIdle(pids: number[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const before = pids.map(cpuTicks)
    await new Promise((r) => setTimeout(r, 500))
    // 100 ticks a second on Linux: 5 ticks in half a second is a tenth of a core.
    if (pids.every((pid, i) => cpuTicks(pid) - before[i]! < 5)) return
  }
}
