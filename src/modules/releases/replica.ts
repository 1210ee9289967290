import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config/config.ts'
import { dispatch, retire, serveFile, type Served } from './pinned.ts'
import { DATABASE_FILE, TAG_PATTERN } from './store.ts'

interface Listed { data: { tag: string, datasetVersion: number }[] }
interface Detail { data: { tag: string, files: { name: string, url: string, bytes: number, sha256: string }[] } }

/** Release files kept on a replica's disk: the one served and the one before it. */
const KEEP = 2

/**
 * A read-only replica: serves the newest release of the primary from its own copy of the SQLite
 * file. It polls the primary's release list, downloads a new release's database, checks its
 * sha256 and swaps to it in one assignment; requests already running finish on the old file,
 * which is closed after the last of them.
 */
export class Replica {
  private current: Served | null = null
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(private readonly config: Config & { primaryUrl: string }, private readonly log: FastifyBaseLogger) {
    mkdirSync(config.releasesPath, { recursive: true })
  }

  get tag(): string | undefined { return this.current?.tag }

  readonly handle = (req: IncomingMessage, res: ServerResponse) => {
    const served = this.current
    if (served) return dispatch(served, req, res)
    const alive = req.url === '/health'
    res.writeHead(alive ? 200 : 503, { 'content-type': alive ? 'application/json' : 'application/problem+json', 'retry-after': '1', 'cache-control': 'no-store' })
    res.end(JSON.stringify(alive ? { status: 'ok' } : {
      type: 'about:blank#NOT_READY', title: 'Service Unavailable', status: 503, code: 'NOT_READY',
      detail: `this replica has no release of ${this.config.primaryUrl} yet`,
    }))
  }

  /** One look at the primary; resolves to the tag served afterwards. */
  async poll(): Promise<string | undefined> {
    const primary = this.config.primaryUrl
    const list = await this.getJson<Listed>(`${primary}/v1/releases`)
    const latest = list.data.at(-1)
    if (!latest || latest.tag === this.current?.tag || !TAG_PATTERN.test(latest.tag)) return this.current?.tag
    const detail = await this.getJson<Detail>(`${primary}/v1/releases/${latest.tag}`)
    const file = detail.data.files.find((f) => f.name === DATABASE_FILE)
    if (!file) throw new Error(`release ${latest.tag} of ${primary} lists no ${DATABASE_FILE}`)
    const dir = join(this.config.releasesPath, latest.tag)
    const path = join(dir, DATABASE_FILE)
    // The listed URL may point at a static copy of the releases (PUBLIC_URL); the digest is checked either way.
    if (!existsSync(path)) await this.download(new URL(file.url, primary).href, dir, file.sha256)
    const served = await serveFile(this.config, path, latest.tag, this.config.cacheControl)
    if (this.stopped) { retire(served); return undefined }
    const old = this.current
    this.current = served
    if (old) retire(old)
    this.log.info({ release: latest.tag, datasetVersion: latest.datasetVersion }, 'serving release')
    this.prune()
    return latest.tag
  }

  start() {
    const tick = async () => {
      try { await this.poll() } catch (err) { this.log.warn({ err }, 'could not refresh from the primary') }
      if (!this.stopped) this.timer = setTimeout(tick, this.config.replicaPollMs)
    }
    void tick()
  }

  async close() {
    this.stopped = true
    clearTimeout(this.timer)
    if (this.current) await this.current.app.close()
    this.current = null
  }

  private async getJson<T>(url: string): Promise<T> {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    if (!res.ok) throw new Error(`${url} answered ${res.status}`)
    return await res.json() as T
  }

  /** Streams the file to disk while hashing it; only a file with the listed digest is renamed into place. */
  private async download(url: string, dir: string, sha256: string) {
    mkdirSync(dir, { recursive: true })
    const part = join(dir, `${DATABASE_FILE}.part`)
    const res = await fetch(url)
    if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`)
    const hash = createHash('sha256')
    const tap = new Transform({ transform(chunk: Buffer, _e, cb) { hash.update(chunk); cb(null, chunk) } })
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), tap, createWriteStream(part))
    const got = hash.digest('hex')
    if (got !== sha256) {
      rmSync(part, { force: true })
      throw new Error(`${url} has sha256 ${got}, not the ${sha256} its release lists; not served`)
    }
    renameSync(part, join(dir, DATABASE_FILE))
  }

  private prune() {
    const tags = readdirSync(this.config.releasesPath).filter((t) => TAG_PATTERN.test(t))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    for (const t of tags.slice(0, Math.max(0, tags.length - KEEP))) {
      if (t !== this.current?.tag) rmSync(join(this.config.releasesPath, t), { recursive: true, force: true })
    }
  }
}
