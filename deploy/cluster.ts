/**
 * Starts a primary, read-only replicas and nginx (cache and load balancer) on loopback ports:
 * `npm run deploy:local`. The deployment test starts the same thing through startCluster().
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { migrateDatabase, openDatabase } from '../src/db/client.ts'
import { seedDatabase } from '../src/db/seed.ts'
import { createKey } from '../src/modules/keys/queries.ts'
import { seedData } from '../seed/data.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

export interface ClusterOptions {
  dir?: string
  replicas?: number
  /** How often replicas look for a new release. */
  pollMs?: number
  /** Cache-Control of reads: what nginx caches and for how long. */
  cacheControl?: string
  logLevel?: string
}

export interface Cluster {
  dir: string
  url: string
  /** nginx balancing without its cache. */
  uncachedUrl: string
  primaryUrl: string
  replicaUrls: string[]
  adminKey: string
  stopReplica(i: number, signal?: NodeJS.Signals): Promise<void>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => res(port))
    })
  })
}

async function waitFor(url: string, ok: (status: number) => boolean, what: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      if (ok((await fetch(url, { signal: AbortSignal.timeout(2000) })).status)) return
    } catch { /* not listening yet */ }
    if (Date.now() > until) throw new Error(`${what} did not come up at ${url}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function start(args: string[], env: Record<string, string>, log: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr!.on('data', (d: Buffer) => writeFileSync(log, d, { flag: 'a' }))
  return child
}

function stopped(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((res) => { child.once('exit', () => res()); child.kill(signal) })
}

export async function startCluster(o: ClusterOptions = {}): Promise<Cluster> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'timeline-cluster-'))
  const cacheControl = o.cacheControl ?? 'public, max-age=0, s-maxage=2, stale-while-revalidate=5'
  const [port, lbPort, primaryPort, ...replicaPorts] = await Promise.all(Array.from({ length: 3 + (o.replicas ?? 2) }, freePort)) as [number, number, number, ...number[]]
  const primaryUrl = `http://127.0.0.1:${primaryPort}`
  const databasePath = join(dir, 'primary.db')

  // The primary's database, seeded, with an admin key for releases.
  const storage = openDatabase(databasePath)
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  const adminKey = createKey(storage.sqlite, 'cluster admin', 'admin').key
  storage.close()

  const common = { LOG_LEVEL: o.logLevel ?? 'warn', CACHE_CONTROL: cacheControl, HOST: '127.0.0.1', RATE_LIMIT_MAX: '0' }
  const children: ChildProcess[] = []
  const stopAll = async () => { await Promise.all(children.map((c) => stopped(c))) }
  try {
    children.push(start(['src/server.ts'], { ...common, PORT: String(primaryPort), DATABASE_PATH: databasePath, RELEASES_PATH: join(dir, 'releases'), PUBLIC_URL: primaryUrl }, join(dir, 'primary.log')))
    await waitFor(`${primaryUrl}/ready`, (s) => s === 200, 'the primary')
    const listed = await (await fetch(`${primaryUrl}/v1/releases`)).json() as { data: unknown[] }
    if (listed.data.length === 0) {
      const made = await fetch(`${primaryUrl}/v1/releases`, {
        method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tag: `${new Date().getUTCFullYear()}.1` }),
      })
      if (made.status !== 201) throw new Error(`the first release failed: ${made.status} ${await made.text()}`)
    }
    const replicas = replicaPorts.map((p, i) => start(['src/cli/replica.ts'], {
      ...common, PORT: String(p), PRIMARY_URL: primaryUrl, RELEASES_PATH: join(dir, `replica-${i + 1}`), REPLICA_POLL_MS: String(o.pollMs ?? 1000),
    }, join(dir, `replica-${i + 1}.log`)))
    children.push(...replicas)
    const replicaUrls = replicaPorts.map((p) => `http://127.0.0.1:${p}`)
    await Promise.all(replicaUrls.map((u) => waitFor(`${u}/ready`, (s) => s === 200, 'a replica')))

    for (const d of ['cache', 'tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) mkdirSync(join(dir, 'nginx', d), { recursive: true })
    const conf = readFileSync(join(ROOT, 'deploy/nginx.conf.template'), 'utf8')
      .replaceAll('{{DIR}}', join(dir, 'nginx'))
      .replace('{{USER}}', process.getuid?.() === 0 ? 'user root;' : '')
      .replace('{{LISTEN}}', `127.0.0.1:${port}`)
      .replace('{{LB_LISTEN}}', `127.0.0.1:${lbPort}`)
      .replace('{{PRIMARY}}', `127.0.0.1:${primaryPort}`)
      .replace('{{REPLICAS}}', replicaPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n'))
    writeFileSync(join(dir, 'nginx', 'nginx.conf'), conf)
    const nginx = spawn(NGINX, ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf'), '-e', join(dir, 'nginx', 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
    nginx.stderr!.on('data', (d: Buffer) => writeFileSync(join(dir, 'nginx', 'stderr.log'), d, { flag: 'a' }))
    children.push(nginx)
    const url = `http://127.0.0.1:${port}`
    await waitFor(`${url}/health`, (s) => s === 200, 'nginx', 10_000)
    return {
      dir, url, uncachedUrl: `http://127.0.0.1:${lbPort}`, primaryUrl, replicaUrls, adminKey,
      stopReplica: (i, signal) => stopped(replicas[i]!, signal),
      // A folder made here is removed; one given by the caller is kept for inspection.
      stop: async () => { await stopAll(); if (!o.dir) rmSync(dir, { recursive: true, force: true }) },
    }
  } catch (err) {
    await stopAll()
    if (!o.dir) console.error(`cluster logs kept in ${dir}`)
    throw err
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const cluster = await startCluster({ dir: process.env.CLUSTER_DIR, logLevel: process.env.LOG_LEVEL ?? 'info' })
  console.log(JSON.stringify({ cache: cluster.url, uncached: cluster.uncachedUrl, primary: cluster.primaryUrl, replicas: cluster.replicaUrls, adminKey: cluster.adminKey, dir: cluster.dir }, null, 2))
  const quit = async () => { await cluster.stop(); process.exit(0) }
  process.once('SIGINT', quit)
  process.once('SIGTERM', quit)
}
