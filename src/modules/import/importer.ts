import { accessSync, constants, statSync } from 'node:fs'
import { basename } from 'node:path'
import type Database from 'better-sqlite3'
import { ACLED } from './acled.ts'
import { BatchRunner, yieldToWriters } from './batches.ts'
import { applyPlan, type CsvFormat } from './csv.ts'
import { readCsv } from './csv-reader.ts'
import { applyRows } from './apply.ts'
import { exportShape, readDocument } from './json-input.ts'
import { orderInMemory, planRows } from './json.ts'
import { importNdjson } from './ndjson.ts'
import { IMPORT_FORMATS, ImportFileError, RejectLog, RowError, Tally, type ImportFormat, type ImportProgress, type ImportReport } from './report.ts'
import { SeenIds } from './seen.ts'
import { RecordStore } from './store.ts'
import { UCDP } from './ucdp.ts'

export const DEFAULT_BATCH = 500
/** A file whose rows are rejected this many times in a row is not data of the format: stop reading it. */
export const DEFAULT_MAX_CONSECUTIVE_REJECTS = 1000

export interface ImportOptions {
  format: ImportFormat
  path: string
  /** Rows per transaction. */
  batch?: number
  /** Called after each committed batch. */
  onProgress?: (progress: ImportProgress) => void
  /** The name revisions are recorded under; by default import:<format>:<file name>. */
  keyName?: string
  /** A file to write every rejected row to, one JSON object a line; the report keeps only the first few. */
  rejectsPath?: string
  /** Stop a CSV import after this many rejected rows in a row; 0 never stops. */
  maxConsecutiveRejects?: number
}

/**
 * Imports one file into the database and reports what became of every row. Rows that cannot be
 * imported are listed with the reason; a problem with the file as a whole (unreadable, wrong
 * header, not an export) is an ImportFileError, carrying the report of what was committed before.
 */
export async function importFile(sqlite: Database.Database, options: ImportOptions): Promise<ImportReport> {
  const { format, path } = options
  const batch = options.batch ?? DEFAULT_BATCH
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new ImportFileError(`unknown format "${String(format)}": use ${IMPORT_FORMATS.join(', ')}`)
  if (!Number.isInteger(batch) || batch < 1) throw new ImportFileError(`batch must be a whole number of at least 1, not ${batch}`)
  const maxRun = options.maxConsecutiveRejects ?? DEFAULT_MAX_CONSECUTIVE_REJECTS
  if (!Number.isInteger(maxRun) || maxRun < 0) throw new ImportFileError(`the number of rejected rows in a row to stop at must be a whole number, not ${maxRun}`)
  checkReadable(path)

  const log = options.rejectsPath ? new RejectLog(options.rejectsPath) : undefined
  try {
    return await run(sqlite, options, new Tally(path, format, log), batch, maxRun)
  } finally {
    log?.close()
  }
}

async function run(sqlite: Database.Database, options: ImportOptions, tally: Tally, batch: number, maxRun: number): Promise<ImportReport> {
  const { format, path } = options
  const store = new RecordStore(sqlite, format, { keyId: null, keyName: options.keyName ?? `import:${format}:${basename(path)}` })
  if (format === 'json' && exportShape(path) === 'ndjson') {
    await importNdjson(sqlite, store, path, tally, batch, options.onProgress)
  } else if (format === 'json') {
    const file = readDocument(path)
    const { rows, bad } = planRows(file)
    for (const r of bad) tally.reject(r)
    const total = rows.length + bad.length
    await applyRows(sqlite, store, rows, tally, batch, () => options.onProgress?.({ rows: tally.report.rows, fraction: total ? tally.report.rows / total : 1, report: tally.report, stage: 'writing' }),
      orderInMemory(rows), { sliced: file.sliced })
  } else {
    await importCsv(sqlite, store, format === 'acled' ? ACLED : UCDP, path, batch, tally, maxRun, options.onProgress)
  }
  return tally.finish()
}

async function importCsv(sqlite: Database.Database, store: RecordStore, format: CsvFormat, path: string, batch: number, tally: Tally,
  maxRun: number, onProgress: ImportOptions['onProgress']): Promise<void> {
  let fraction = 0
  const runner = new BatchRunner(sqlite, tally, batch, () => onProgress?.({ rows: tally.report.rows, fraction, report: tally.report }))
  // The first line each external id was seen on: a second row with the same id would silently
  // overwrite the first, so it is rejected instead, whatever became of the first.
  const seen = new SeenIds()
  try {
    for await (const row of readCsv(path, format.columns, (f) => { fraction = f })) {
      const externalId = row.cells[format.idColumn]?.trim() || null
      // Keyed by the event id it makes: two ids of one slug would write the same event.
      const first = externalId === null ? undefined : seen.firstSeen(format.recordId(externalId), row.line, externalId)
      let shortened: string[] = []
      const committed = runner.add({
        row: row.line,
        externalId,
        apply: () => {
          if (row.problem) throw new RowError(row.problem)
          if (first !== undefined) {
            throw new RowError(first.label === externalId ? `${format.idColumn} "${externalId}" already appeared on line ${first.line}`
              : `${format.idColumn} "${externalId}" makes the same event id (${format.recordId(externalId!)}) as "${first.label}" on line ${first.line}`)
          }
          // plan() rejects an empty id before anything is written.
          const plan = format.plan(row.cells)
          shortened = plan.shortened
          return applyPlan(store, externalId!, plan)
        },
        settled: (result) => { if (typeof result === 'string' && shortened.length) tally.shorten({ row: row.line, externalId, cells: shortened }) },
      })
      if (committed) await yieldToWriters()
      // Known once a batch commits, so the run may overshoot by up to a batch.
      if (maxRun > 0 && tally.consecutiveRejections >= maxRun) {
        throw new ImportFileError(`${path}: stopped at line ${row.line} after ${tally.consecutiveRejections} rejected rows in a row from line ${tally.firstOfRun}; `
          + `the file does not read as ${format.system} data from there (rows before were imported)`)
      }
    }
    runner.flush()
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err
    // The rows read before the file went bad are whole rows: commit them and say so.
    runner.flush()
    throw new ImportFileError(err.message, tally.finish())
  } finally {
    seen.close()
  }
}

/** Throws an ImportFileError naming the problem when `path` is not a readable file. */
export function checkReadable(path: string): void {
  let isFile: boolean
  try {
    isFile = statSync(path).isFile()
    accessSync(path, constants.R_OK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ImportFileError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`)
  }
  if (!isFile) throw new ImportFileError(`${path}: not a file`)
}
