import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { z } from 'zod'

/** A tag names a release for good: a year (or two digits of one), a dot, a release number. */
export const TAG_PATTERN = /^(?:\d{2}|\d{4})\.\d{1,3}$/
export const Tag = z.string().max(8).regex(TAG_PATTERN, 'a release tag looks like 2026.1: a year (or its last two digits), a dot and a release number')
/** A new release's tag: its number written without a leading zero, so each release has one spelling. */
export const NewTag = Tag.refine((t) => !/\.0\d/.test(t), 'a release number has no leading zero: 2026.1, not 2026.01')

/** The release a tag names whatever its spelling: 26.1, 2026.1 and 2026.01 are one release. */
export function canonicalTag(tag: string): string {
  const [year, number] = tag.split('.') as [string, string]
  return `${year.length === 2 ? 2000 + Number(year) : Number(year)}.${Number(number)}`
}

export interface ReleaseFile { name: string, bytes: number, sha256: string }

export interface ReleaseManifest {
  tag: string
  datasetVersion: number
  datasetUpdatedAt: string
  createdAt: string
  counts: Record<string, number>
  licence: string
  /** Every file of the release but the manifest itself. */
  files: ReleaseFile[]
}

export const MANIFEST = 'manifest.json'
export const DATABASE_FILE = 'timeline.db'

// Manifests never change once written, so each is read and hashed once per process.
const manifests = new Map<string, { manifest: ReleaseManifest, self: ReleaseFile }>()

export function releaseDir(root: string, tag: string): string {
  return join(root, tag)
}

/** The manifest of a release and the size and digest of the manifest file; undefined if absent. */
export function readRelease(root: string, tag: string): { manifest: ReleaseManifest, self: ReleaseFile } | undefined {
  if (!TAG_PATTERN.test(tag)) return undefined
  const path = join(releaseDir(root, tag), MANIFEST)
  const key = resolve(path)
  const known = manifests.get(key)
  if (known) return known
  if (!existsSync(path)) return undefined
  const bytes = readFileSync(path)
  const entry = {
    manifest: JSON.parse(bytes.toString('utf8')) as ReleaseManifest,
    self: { name: MANIFEST, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
  }
  manifests.set(key, entry)
  return entry
}

/** Every complete release under the folder, oldest dataset version first. */
export function listReleases(root: string): ReleaseManifest[] {
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter((name) => TAG_PATTERN.test(name))
    .map((tag) => readRelease(root, tag)?.manifest)
    .filter((m): m is ReleaseManifest => m !== undefined)
    .sort((a, b) => a.datasetVersion - b.datasetVersion || a.tag.localeCompare(b.tag))
}

/** All files a release serves, the manifest included. */
export function releaseFiles(root: string, tag: string): ReleaseFile[] | undefined {
  const entry = readRelease(root, tag)
  return entry && [...entry.manifest.files, entry.self]
}

/**
 * The path of one listed file of a release. Only names in the manifest resolve, so no request
 * can reach outside the release folder.
 */
export function releaseFilePath(root: string, tag: string, name: string): { path: string, file: ReleaseFile } | undefined {
  const file = releaseFiles(root, tag)?.find((f) => f.name === name)
  if (!file) return undefined
  const dir = resolve(releaseDir(root, tag))
  const path = resolve(dir, name)
  if (!path.startsWith(dir + sep) || !statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined
  return { path, file }
}
