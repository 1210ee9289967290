import type Database from 'better-sqlite3'
import { EXPORT_RESOURCES, exportQuery, type ExportResource } from '../export/plan.ts'
import { licence } from '../dataset/queries.ts'

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

export const csvName = (r: ExportResource) => `csv/${r}.csv`

interface Field { name: string, type: 'string' | 'integer' | 'number', constraints?: { required: true } }
interface Column { field: string, column: string | null, table: string | null }

/** The columns of a resource's CSV with the table column each comes from, read from SQLite itself. */
function columnsOf(sqlite: Database.Database, r: ExportResource): { fields: Field[], columns: Column[] } {
  const query = exportQuery(r, {})
  const described = sqlite.prepare(query.sql).columns()
  const table = described.find((c) => c.table)?.table ?? ''
  const info = sqlite.prepare(`SELECT name, "notnull" AS required FROM pragma_table_info(?)`).all(table) as { name: string, required: number }[]
  const required = new Set(info.filter((c) => c.required).map((c) => c.name))
  const fields: Field[] = []
  const columns: Column[] = []
  for (const c of described) {
    const declared = (c.type ?? '').toLowerCase()
    const type = declared === 'integer' ? 'integer' : declared === 'real' ? 'number' : 'string'
    // A list (aliases) is written as one cell and an empty list as an empty cell, which a reader takes as missing.
    const mandatory = c.column !== null && required.has(c.column) && !query.jsonColumns.includes(c.name)
    fields.push({ name: snake(c.name), type, ...(mandatory ? { constraints: { required: true as const } } : {}) })
    columns.push({ field: snake(c.name), column: c.column, table: c.table })
  }
  return { fields, columns }
}

/**
 * A Frictionless Data Package (v1) describing the release's CSV files: their fields and types,
 * primary keys and foreign keys, all derived from the database schema so they cannot drift from it.
 */
export function dataPackage(sqlite: Database.Database, meta: { tag: string, datasetVersion: number, createdAt: string, url: string }) {
  const described = new Map(EXPORT_RESOURCES.map((r) => [r, columnsOf(sqlite, r)]))
  const tableOf = new Map([...described].map(([r, d]) => [d.columns.find((c) => c.table)?.table, r]))
  const resources = EXPORT_RESOURCES.map((r) => {
    const { fields, columns } = described.get(r)!
    const table = columns.find((c) => c.table)!.table!
    const fieldOf = (col: string, cols = columns) => cols.find((c) => c.column === col)?.field
    const pk = (sqlite.prepare(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`).pluck().all(table) as string[])
      .map((c) => fieldOf(c)).filter((f): f is string => f !== undefined)
    const fks = (sqlite.prepare(`SELECT "table" AS target, "from" AS source, "to" AS dest FROM pragma_foreign_key_list(?)`).all(table) as { target: string, source: string, dest: string }[])
      .flatMap((fk) => {
        const target = tableOf.get(fk.target)
        const field = fieldOf(fk.source)
        const ref = target && fieldOf(fk.dest ?? 'id', described.get(target)!.columns)
        return target && field && ref ? [{ fields: [field], reference: { resource: target === r ? '' : snake(target), fields: [ref] } }] : []
      })
    return {
      name: snake(r),
      path: csvName(r),
      profile: 'tabular-data-resource',
      format: 'csv',
      mediatype: 'text/csv',
      // The files start with a byte order mark for spreadsheets; Frictionless readers skip it.
      encoding: 'utf-8',
      dialect: { delimiter: ',', lineTerminator: '\r\n', quoteChar: '"', doubleQuote: true, header: true },
      schema: { fields, ...(pk.length ? { primaryKey: pk } : {}), ...(fks.length ? { foreignKeys: fks } : {}), missingValues: [''] },
    }
  })
  return {
    profile: 'tabular-data-package',
    name: 'conflict-timeline',
    title: 'Conflict Timeline: the September 2023 Nagorno-Karabakh offensive and the exodus that followed',
    version: meta.tag,
    created: meta.createdAt,
    homepage: meta.url,
    description: `Release ${meta.tag} of the dataset, frozen at dataset version ${meta.datasetVersion}. Cells that began with = + - @ carry a leading apostrophe so that spreadsheets do not run them.`,
    licenses: [{ name: 'other-at', title: licence(meta.datasetVersion) }],
    sources: [{ title: 'The cited news reports, listed with publisher, title and URL in csv/sources.csv', path: csvName('sources') }],
    resources,
  }
}
