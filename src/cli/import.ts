import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config/config.ts'
import { migrateDatabase, openDatabase } from '../db/client.ts'
import { checkReadable, DEFAULT_BATCH, importFile } from '../modules/import/importer.ts'
import { IMPORT_FORMATS, ImportFileError, type ImportFormat, type ImportProgress } from '../modules/import/report.ts'

const USAGE = `usage: npm run import -- --format ${IMPORT_FORMATS.join('|')} FILE [--batch N]
acled and ucdp read CSV files in the column layout of those datasets; json reads this API's own
exports (the JSON document or NDJSON). DATABASE_PATH selects the database, which is migrated first.
Prints a JSON report on stdout; exit code 0 once the file is processed (even with rejected rows),
2 for bad usage or a file that cannot be read.`

function fail(message: string): never {
  console.error(`import: ${message}\n${USAGE}`)
  process.exit(2)
}

const { values, positionals } = (() => {
  try {
    return parseArgs({ options: { format: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true })
  } catch (err) {
    return fail((err as Error).message)
  }
})()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
if (!values.format) fail('--format is required')
if (!(IMPORT_FORMATS as readonly string[]).includes(values.format)) fail(`--format "${values.format}" is not one of ${IMPORT_FORMATS.join(', ')}`)
if (positionals.length !== 1) fail(positionals.length ? `one FILE expected, got ${positionals.length}: ${positionals.join(' ')}` : 'FILE is required')
const batch = values.batch === undefined ? DEFAULT_BATCH : Number(values.batch)
if (!/^\d+$/.test(values.batch ?? '1') || batch < 1) fail(`--batch "${values.batch}" is not a whole number of at least 1`)
const format = values.format as ImportFormat
const path = positionals[0]!

// Checked before the database is opened, so that a mistyped path does not leave a new empty database behind.
try {
  checkReadable(path)
} catch (err) {
  fail((err as Error).message)
}
let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) fail(err.message)
  throw err
}
let storage: ReturnType<typeof openDatabase>
try {
  storage = openDatabase(config.databasePath)
} catch (err) {
  fail(`cannot open the database at ${config.databasePath}: ${(err as Error).message}`)
}

/** One line rewritten in place on a terminal; nothing when stderr is a file or a pipe. */
function progressLine(): { update(p: ImportProgress): void, done(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} }
  let drawn = false
  return {
    update: ({ rows, fraction, report }) => {
      const share = fraction === null ? '' : ` ${Math.round(fraction * 100)}%`
      process.stderr.write(`\rimport ${format}:${share} ${rows} rows, ${report.imported} imported, ${report.updated} updated, `
        + `${report.unchanged} unchanged, ${report.rejected.length} rejected`)
      drawn = true
    },
    done: () => { if (drawn) process.stderr.write('\n') },
  }
}

const progress = progressLine()
let exitCode = 0
try {
  migrateDatabase(storage.db)
  const report = await importFile(storage.sqlite, { format, path, batch, onProgress: progress.update })
  progress.done()
  console.log(JSON.stringify(report, null, 2))
} catch (err) {
  progress.done()
  if (!(err instanceof ImportFileError)) throw err
  // What was committed before the file went bad is real: report it before the error.
  if (err.report) console.log(JSON.stringify(err.report, null, 2))
  console.error(`import: ${err.message}`)
  exitCode = 2
} finally {
  storage.close()
}
process.exitCode = exitCode
