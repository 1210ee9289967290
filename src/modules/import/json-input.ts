import { readFileSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { EXPORT_RESOURCES, RECORD_TYPE, type ExportResource } from '../export/plan.ts'
import { ImportFileError, type Rejection } from './report.ts'

/** One record of an export file, where it was found, and what it holds. */
export interface Entry { resource: ExportResource, row: number, data: unknown }

export interface ExportFile {
  shape: 'json' | 'ndjson'
  entries: Entry[]
  /** Lines that are not records at all (bad JSON, unknown type): rows, so they are reported. */
  bad: Rejection[]
}

const RESOURCE_OF_TYPE = new Map(Object.entries(RECORD_TYPE).map(([resource, type]) => [type, resource as ExportResource]))

/**
 * Reads an export of this API. NDJSON and the JSON document both start with "{", so the file
 * extension decides when it says .ndjson/.jsonl; otherwise the text is taken as one document if it
 * parses as one and is not itself an NDJSON line (a one-line NDJSON file parses too).
 */
export function readExport(path: string): ExportFile {
  // An export is read whole, to join each record to its links and citations wherever they stand;
  // that takes about nine times the file's size in memory (1.6 GB for the 174 MB export of 100,000
  // synthetic events). Past a tenth of the heap's limit the import would end out of memory.
  const size = (() => { try { return statSync(path).size } catch { return 0 } })()
  const limit = Math.floor(getHeapStatistics().heap_size_limit / 10)
  if (size > limit) {
    throw new ImportFileError(`${path}: too large to import: an export is read whole and needs about nine times its size in memory; `
      + `this process can take files up to ${Math.round(limit / 1e6)} MB, this one is ${Math.round(size / 1e6)} MB (node --max-old-space-size raises the limit)`)
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\ufeff/, '')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // An export is read whole, to join each record to its links and citations wherever they are.
    if (code === 'ERR_STRING_TOO_LONG') throw new ImportFileError(`${path}: too large to import: an export is read whole, and a file over 512 MiB cannot be`)
    throw new ImportFileError(`${path}: cannot read the file (${code ?? (err as Error).message})`)
  }
  const first = /\S/.exec(text)?.[0]
  if (first === undefined) throw new ImportFileError(`${path}: the file is empty`)
  if (first !== '{') throw new ImportFileError(`${path}: not an export of this API (it should start with "{", it starts with "${first}")`)
  const ext = extname(path).toLowerCase()
  if (ext === '.ndjson' || ext === '.jsonl') return readLines(path, text)
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    // Neither a document nor lines of records: say what is wrong with it as a document.
    if (!parses(text.trimStart().split('\n', 1)[0]!)) throw new ImportFileError(`${path}: not valid JSON: ${(err as Error).message}`)
    return readLines(path, text)
  }
  if (doc && typeof doc === 'object' && !('type' in doc)) return readDocument(path, doc as Record<string, unknown>)
  return readLines(path, text)
}

function parses(line: string): boolean {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

function readDocument(path: string, doc: Record<string, unknown>): ExportFile {
  checkMeta(path, doc.meta)
  const entries: Entry[] = []
  let row = 0
  // Numbered in the order the document lists its arrays, which is how a reader would count.
  for (const key of Object.keys(doc)) {
    if (key === 'meta') continue
    if (!(EXPORT_RESOURCES as readonly string[]).includes(key)) throw new ImportFileError(`${path}: "${key}" is not a resource of this API's exports`)
    const list = doc[key]
    if (!Array.isArray(list)) throw new ImportFileError(`${path}: "${key}" should be an array`)
    for (const data of list) entries.push({ resource: key as ExportResource, row: ++row, data })
  }
  if (row === 0 && !doc.meta) throw new ImportFileError(`${path}: no export resources in the document`)
  return { shape: 'json', entries, bad: [] }
}

function readLines(path: string, text: string): ExportFile {
  const entries: Entry[] = []
  const bad: Rejection[] = []
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const line = raw.trim()
    if (!line) return
    const row = i + 1
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch (err) {
      bad.push({ row, externalId: null, reason: `line ${row} is not valid JSON: ${(err as Error).message}` })
      return
    }
    const type = record && typeof record === 'object' ? (record as { type?: unknown }).type : undefined
    if (type === 'meta') return checkMeta(path, record)
    const resource = typeof type === 'string' ? RESOURCE_OF_TYPE.get(type) : undefined
    if (!resource) {
      bad.push({ row, externalId: null, reason: `line ${row}: ${type === undefined ? 'no "type"' : `"${String(type)}" is not a record type of this API's exports`}` })
      return
    }
    entries.push({ resource, row, data: (record as { data?: unknown }).data })
  })
  if (entries.length === 0 && bad.length === lines.filter((l) => l.trim()).length && bad.length > 0) {
    throw new ImportFileError(`${path}: no line is a record of this API's exports (${bad[0]!.reason})`)
  }
  return { shape: 'ndjson', entries, bad }
}

/**
 * An export taken with updatedSince holds only the citations changed since then, so its lists
 * of citations are partial; importing it would strip the rest from their records. It is refused.
 */
function checkMeta(path: string, meta: unknown): void {
  const filters = meta && typeof meta === 'object' ? (meta as { filters?: { updatedSince?: unknown } }).filters : undefined
  if (filters?.updatedSince) {
    throw new ImportFileError(`${path}: an export taken with updatedSince has partial citation lists and cannot be imported; export without updatedSince`)
  }
}
