import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { readVersion } from '../../db/dataset.ts'
import { InUseError, InvalidParameterError, ReleaseExistsError } from '../../errors.ts'
import { bundledWorker } from '../../workers/bundle.ts'
import { releaseCitation } from './citation.ts'
import { dataPackage } from './datapackage.ts'
import { fileDigest, type ReleaseExports, type ReleasePriority, type ReleaseWorkerData, type ReleaseWorkerReply } from './exports.ts'
import { canonicalTag, DATABASE_FILE, listReleases, MANIFEST, releaseDir, TAG_PATTERN, type ReleaseFile, type ReleaseManifest } from './store.ts'

export interface ReleaseSource {
  /** The live database connection; used directly only for an in-memory database. */
  sqlite: Database.Database
  databasePath: string
}

export interface BuildOptions {
  root: string, tag: string, baseUrl: string
  /** The priority of the thread making the files; a server gives it its export threads' own. */
  priority?: ReleasePriority
}

const building = new Set<string>()

/** The URL a release is cited by. */
export const releaseUrl = (baseUrl: string, tag: string) => `${baseUrl}/v1/releases/${tag}`

/** The release thread's module, bundled on first use: a server asks at start, not on the first POST. */
export const releaseThreadEntry = () => bundledWorker({
  name: 'release-worker',
  dir: dirname(fileURLToPath(import.meta.url)),
  entry: `import './release-worker.ts'`,
  fallback: new URL('./release-worker.mjs', import.meta.url).href,
})

/**
 * Freezes the database into `frozenPath` and writes the exports read from it into `dir`, on a
 * thread of its own, so that the event loop goes on answering meanwhile: at a million events each
 * takes minutes, and written on the loop each chunk of the exports held it up to 230 ms. The
 * thread is started for the one build and ends with it.
 */
function makeFilesOnThread(data: ReleaseWorkerData): Promise<ReleaseExports> {
  return new Promise((resolve, reject) => {
    // Bounded as the export threads are: an export holds a page of rows and a chunk or two.
    const worker = new Worker(new URL(releaseThreadEntry()), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 } })
    let settled = false
    worker.once('message', (m: ReleaseWorkerReply) => {
      settled = true
      if (m.ok) resolve(m.exports)
      else reject(new Error(`could not make the release's files: ${m.message}`))
    })
    worker.once('error', (err) => { settled = true; reject(err) })
    worker.once('exit', (code) => { if (!settled) reject(new Error(`the release's thread stopped with code ${code}`)) })
  })
}

function refuseTaken(root: string, tag: string, version: number) {
  const existing = listReleases(root)
  const taken = existing.find((r) => canonicalTag(r.tag) === canonicalTag(tag))
  if (taken) throw new ReleaseExistsError(`release ${tag} exists already${taken.tag === tag ? '' : ` as ${taken.tag}`}; a release never changes`)
  const same = existing.find((r) => r.datasetVersion === version)
  if (same) throw new ReleaseExistsError(`dataset version ${version} is released already as ${same.tag}; write something first`)
}

/**
 * Freezes the current dataset version under a tag: an immutable SQLite file made with VACUUM INTO
 * (API keys removed), the exports in every format read from that file, a Frictionless data
 * package, citations and a manifest with the size and sha256 of every file. The release is built
 * in a hidden folder and renamed into place, so a release either exists whole or not at all.
 */
export async function buildRelease(source: ReleaseSource, opts: BuildOptions): Promise<ReleaseManifest> {
  const { root, tag, baseUrl } = opts
  if (!TAG_PATTERN.test(tag)) throw new InvalidParameterError(`tag: "${tag}" is not a release tag; one looks like 2026.1`)
  if (building.has(root)) throw new InUseError('another release is being built; try again when it is done')
  building.add(root)
  mkdirSync(root, { recursive: true })
  const work = join(root, `.building-${tag}-${process.pid}-${Date.now()}`)
  try {
    refuseTaken(root, tag, readVersion(source.sqlite).version)
    mkdirSync(join(work, 'csv'), { recursive: true })
    const db = join(work, DATABASE_FILE)
    // An in-memory database can be copied only through its own connection; the thread cleans the copy.
    if (source.databasePath === ':memory:') source.sqlite.prepare('VACUUM INTO ?').run(db)
    const exports = await makeFilesOnThread({
      source: source.databasePath === ':memory:' ? null : source.databasePath, frozenPath: db, dir: work, priority: opts.priority ?? null,
    })
    const frozen = new Database(db, { readonly: true, fileMustExist: true })
    let manifest: ReleaseManifest
    try {
      const version = readVersion(frozen)
      refuseTaken(root, tag, version.version)
      const createdAt = new Date().toISOString()
      const url = releaseUrl(baseUrl, tag)
      const meta = { tag, datasetVersion: version.version, createdAt, url }
      writeFileSync(join(work, 'datapackage.json'), JSON.stringify(dataPackage(frozen, meta), null, 2) + '\n')
      const citation = releaseCitation(meta)
      writeFileSync(join(work, 'citation.json'), JSON.stringify(citation.csl, null, 2) + '\n')
      writeFileSync(join(work, 'citation.bib'), citation.bibtex.trim() + '\n')
      manifest = {
        tag, datasetVersion: version.version, datasetUpdatedAt: version.updatedAt, createdAt,
        counts: exports.counts as Record<string, number>, licence: exports.licence, files: [],
      }
    } finally {
      frozen.close()
    }
    manifest.files = await filesUnder(work, exports.files)
    writeFileSync(join(work, MANIFEST), JSON.stringify(manifest, null, 2) + '\n')
    for (const f of [...manifest.files.map((f) => f.name), MANIFEST]) chmodSync(join(work, f), 0o444)
    // rename() refuses to replace a non-empty folder, so a release made meanwhile by another process wins.
    try {
      renameSync(work, releaseDir(root, tag))
    } catch {
      throw new ReleaseExistsError(`release ${tag} exists already; a release never changes`)
    }
    return manifest
  } finally {
    building.delete(root)
    rmSync(work, { recursive: true, force: true })
  }
}

/** Every file under `dir` with its size and sha256; those the thread wrote come with theirs. */
async function filesUnder(dir: string, known: readonly ReleaseFile[]): Promise<ReleaseFile[]> {
  const digests = new Map(known.map((f) => [f.name, f]))
  const out: ReleaseFile[] = []
  const walk = async (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      const st = statSync(path)
      if (st.isDirectory()) { await walk(path); continue }
      const rel = relative(dir, path).split('\\').join('/')
      const done = digests.get(rel)
      out.push(done?.bytes === st.size ? done : { name: rel, ...await fileDigest(path) })
    }
  }
  await walk(dir)
  return out.sort((a, b) => a.name.localeCompare(b.name))
}
