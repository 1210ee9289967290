import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { EventFilterFields } from '../modules/events/schemas.ts'
import { EXPORT_RESOURCES, type ExportResource } from '../modules/export/plan.ts'
import { EXPORT_FORMATS, exportMeta, openSnapshot, type ExportMeta } from '../modules/export/stream.ts'
import { writeExportFile } from '../modules/export/files.ts'
import { DateFilter } from '../http/schemas.ts'
import { openStorage } from './storage.ts'

const USAGE = `usage: npm run export -- --format ndjson|json|csv --out PATH [--resource R] [--from D] [--to D]
       [--type T1,T2] [--actor ID] [--role ROLE] [--place ID] [--q TEXT] [--updated-since D]
       [--min-killed N] [--max-killed N] [--min-displaced N] [--max-displaced N]
csv writes one file per resource into the folder PATH; json and ndjson write the file PATH.
Each run also writes a manifest (version, counts, bytes, sha256 of every file) beside the output.`

const Options = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  out: z.string().min(1),
  resource: z.enum(EXPORT_RESOURCES).optional(),
  ...EventFilterFields,
  updatedSince: DateFilter.optional(),
})

function fail(message: string): never {
  console.error(`export: ${message}\n${USAGE}`)
  process.exit(2)
}

const { values } = (() => {
  try {
    return parseArgs({
      options: Object.fromEntries(['format', 'out', 'resource', 'from', 'to', 'type', 'actor', 'role', 'place', 'q', 'updated-since',
        'min-killed', 'max-killed', 'min-displaced', 'max-displaced']
        .map((k) => [k, { type: 'string' as const }])),
    })
  } catch (err) {
    return fail((err as Error).message)
  }
})()
const parsed = Options.safeParse(Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v])))
if (!parsed.success) {
  const issue = parsed.error.issues[0]!
  fail(`--${String(issue.path[0] ?? '')}: ${issue.message}`)
}
const { format, out, resource, ...filters } = parsed.data

const { config, storage } = openStorage('export', { migrate: false, mustExist: true, exitCode: 2 })

/** A progress bar on a terminal; nothing when the output is piped or logged. */
function progressBar(label: string, total: number) {
  if (!process.stderr.isTTY) return { update: (_: number) => {}, done: () => {} }
  const draw = (n: number) => {
    const share = total ? Math.min(1, n / total) : 1
    const width = 30
    process.stderr.write(`\r${label} [${'#'.repeat(Math.round(share * width)).padEnd(width)}] ${Math.round(share * 100)}% ${n}/${total} records`)
  }
  return { update: draw, done: () => { draw(total); process.stderr.write('\n') } }
}

async function writeExport(meta: ExportMeta, path: string, label: string) {
  const total = Object.values(meta.counts).reduce((a, b) => a + (b ?? 0), 0)
  const bar = progressBar(label, total)
  const file = await writeExportFile(snapshot, meta, path, bar.update)
  bar.done()
  return file
}

const snapshot = openSnapshot(storage, config.databasePath)
try {
  const files = []
  let manifestPath: string
  let meta: ExportMeta
  if (format === 'csv') {
    mkdirSync(out, { recursive: true })
    const resources: ExportResource[] = resource ? [resource] : [...EXPORT_RESOURCES]
    meta = exportMeta(snapshot.sqlite, format, filters, resources)
    for (const r of resources) {
      files.push(await writeExport({ ...meta, resources: [r], counts: { [r]: meta.counts[r] } }, join(out, `${r}.csv`), r))
    }
    manifestPath = join(out, 'manifest.json')
  } else {
    meta = exportMeta(snapshot.sqlite, format, filters, resource ? [resource] : [...EXPORT_RESOURCES])
    mkdirSync(dirname(out), { recursive: true })
    files.push(await writeExport(meta, out, format))
    manifestPath = `${out}.manifest.json`
  }
  const manifest = { datasetVersion: meta.datasetVersion, datasetUpdatedAt: meta.datasetUpdatedAt, format, filters, counts: meta.counts, files }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
  console.log(JSON.stringify({ manifest: manifestPath, ...manifest }))
} finally {
  snapshot.release()
  storage.close()
}
