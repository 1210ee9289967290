import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort, readThrough, spawnPinned, stop, waitUntilUp } from './support.ts'

/** Installs and databases live here between runs: the install takes minutes, a database of 100,000 events a second. */
const CACHE = resolve('.bench-cache/peer-platformatic')
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)

/** Copies the peer harness (its top-level files) into the cache and installs it when its lock file changed. */
function install(peerDir: string): void {
  mkdirSync(CACHE, { recursive: true })
  for (const name of readdirSync(peerDir)) {
    const from = join(peerDir, name), to = join(CACHE, name)
    if (!statSync(from).isFile()) continue
    // The harness is read-only; the copies must be replaceable on the next run.
    rmSync(to, { force: true })
    copyFileSync(from, to)
    chmodSync(to, 0o644)
  }
  const stamp = join(CACHE, 'node_modules', '.bench-lock-sha')
  const lock = sha(join(CACHE, 'package-lock.json'))
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return
  console.log(`installing the peer harness in ${CACHE} (npm ci, a few minutes the first time)...`)
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: CACHE, stdio: 'inherit' })
  writeFileSync(stamp, lock)
}

/** The peer's deterministic database of `events` events, built once for each size and version of make-db.js. */
function database(events: number): string {
  const file = join(CACHE, `data-${events}-${sha(join(CACHE, 'make-db.js'))}.sqlite`)
  if (!existsSync(file)) execFileSync(process.execPath, ['make-db.js', String(events), file], { cwd: CACHE, stdio: 'inherit' })
  return file
}

/** Starts Platformatic DB over `events` events on `core` with the harness's own configuration; returns its URL and how to stop it. */
export async function startPlatformatic(peerDir: string, events: number, core: number): Promise<{ url: string, close: () => Promise<void> }> {
  install(peerDir)
  const port = await freePort()
  const config = JSON.parse(readFileSync(join(CACHE, 'platformatic.json'), 'utf8'))
  config.server = { ...config.server, hostname: '127.0.0.1', port }
  const file = database(events)
  readThrough(file)
  config.db = { ...config.db, connectionString: `sqlite://${file}` }
  const configFile = join(CACHE, 'bench-platformatic.json')
  writeFileSync(configFile, JSON.stringify(config, null, 2))
  const child = spawnPinned(process.execPath, ['node_modules/@platformatic/db/db.mjs', 'start', '-c', configFile], { cwd: CACHE, stdio: ['ignore', 'ignore', 'inherit'] }, core)
  const url = `http://127.0.0.1:${port}`
  await waitUntilUp(`${url}/events?limit=1`, child, 'Platformatic DB', 60_000)
  return { url, close: () => stop(child) }
}
