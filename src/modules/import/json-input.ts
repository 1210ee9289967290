import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { EXPORT_RESOURCES, RECORD_TYPE, type ExportResource } from '../export/plan.ts'
import { ImportFileError, type Rejection } from './report.ts'

/** One record of an export file, where it was found, and what it holds. */
export interface Entry { resource: ExportResource, row: number, data: unknown }

export interface ExportFile {
  shape: 'json'
  entries: Entry[]
  bad: Rejection[]
  /** Taken with filters: see checkMeta. */
  sliced: boolean
}

export const RESOURCE_OF_TYPE = new Map(Object.entries(RECORD_TYPE).map(([resource, type]) => [type, resource as ExportResource]))

/** How much of a file is read to tell NDJSON from a JSON document: an export's meta line is far shorter. */
const SNIFF_BYTES = 1024 * 1024

/**
 * Whether an export is NDJSON (streamed, any size) or one JSON document (read whole). Both start
 * with "{", so the extension decides when it says .ndjson/.jsonl; otherwise a first line that is
 * a JSON object with a "type" is an NDJSON line, and anything else is taken as a document.
 */
export function exportShape(path: string): 'ndjson' | 'json' {
  const size = statSync(path).size
  const head = Buffer.alloc(Math.min(size, SNIFF_BYTES))
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  const text = head.toString('utf8').replace(/^\ufeff/, '')
  const first = /\S/.exec(text)?.[0]
  if (first === undefined) {
    if (size <= SNIFF_BYTES) throw new ImportFileError(`${path}: the file is empty`)
    return 'json'
  }
  if (first !== '{') throw new ImportFileError(`${path}: not an export of this API (it should start with "{", it starts with "${first}")`)
  const ext = extname(path).toLowerCase()
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  const nl = text.indexOf('\n')
  if (nl === -1 && size > SNIFF_BYTES) return 'json'
  const line = nl === -1 ? text : text.slice(0, nl)
  try {
    const record: unknown = JSON.parse(line)
    return record && typeof record === 'object' && 'type' in record ? 'ndjson' : 'json'
  } catch {
    return 'json'
  }
}

/**
 * Reads an export written as one JSON document. A document cannot be taken apart without parsing
 * all of it, and parsing holds it whole: about nine times the file's size in memory. Past a tenth
 * of the heap's limit the import would end out of memory, so such a file is refused with the
 * advice to export NDJSON, which is imported streaming at any size.
 */
export function readDocument(path: string): ExportFile {
  const size = statSync(path).size
  const limit = Math.floor(getHeapStatistics().heap_size_limit / 10)
  const advice = 'export it as NDJSON (format=ndjson), which is imported at any size'
  if (size > limit) {
    throw new ImportFileError(`${path}: too large to import as a JSON document: it is read whole and needs about nine times its size in memory; `
      + `this process takes documents up to ${Math.round(limit / 1e6)} MB, this one is ${Math.round(size / 1e6)} MB; ${advice}`)
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\ufeff/, '')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ERR_STRING_TOO_LONG') throw new ImportFileError(`${path}: too large to import as a JSON document (over 512 MiB); ${advice}`)
    throw new ImportFileError(`${path}: cannot read the file (${code ?? (err as Error).message})`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new ImportFileError(`${path}: not valid JSON: ${(err as Error).message}`)
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ImportFileError(`${path}: not an export of this API (not a JSON object)`)
  const fields = doc as Record<string, unknown>
  const sliced = checkMeta(path, fields.meta)
  const entries: Entry[] = []
  let row = 0
  // Numbered in the order the document lists its arrays, which is how a reader would count.
  for (const key of Object.keys(fields)) {
    if (key === 'meta') continue
    if (!(EXPORT_RESOURCES as readonly string[]).includes(key)) throw new ImportFileError(`${path}: "${key}" is not a resource of this API's exports`)
    const list = fields[key]
    if (!Array.isArray(list)) throw new ImportFileError(`${path}: "${key}" should be an array`)
    for (const data of list) entries.push({ resource: key as ExportResource, row: ++row, data })
  }
  if (row === 0 && !fields.meta) throw new ImportFileError(`${path}: no export resources in the document`)
  return { shape: 'json', entries, bad: [], sliced }
}

/**
 * An export taken with other filters than updatedSince is a slice: true. Its statements list only
 * their links to the events in the slice, so those are added to the stored ones rather than
 * replacing them. One taken with updatedSince alone holds the records written since, each with
 * all its links and citations (see OWNED_SINCE in export/plan.ts): imported like a whole export,
 * it brings those records up to date. Deletions are not in it (GET /v1/deletions).
 */
export function checkMeta(path: string, meta: unknown): boolean {
  const filters = meta && typeof meta === 'object' ? (meta as { filters?: unknown }).filters : undefined
  if (filters !== undefined && filters !== null && (typeof filters !== 'object' || Array.isArray(filters))) {
    throw new ImportFileError(`${path}: the meta line's "filters" should be an object, as exports write it`)
  }
  return Object.entries((filters ?? {}) as Record<string, unknown>).some(([k, v]) => k !== 'updatedSince' && v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0))
}
