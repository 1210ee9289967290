import { parseArgs } from 'node:util'
import { lstatSync, realpathSync, unlinkSync, type Stats } from 'node:fs'
import { resolve } from 'node:path'
import { checkReadable, DEFAULT_BATCH, DEFAULT_MAX_CONSECUTIVE_REJECTS, importFile } from '../modules/import/importer.ts'
import { IMPORT_FORMATS, ImportFileError, type ImportFormat, type ImportProgress, type ImportReport } from '../modules/import/report.ts'
import { openStorage } from './storage.ts'

const USAGE = `usage: npm run import -- --format ${IMPORT_FORMATS.join('|')} FILE [--batch N] [--rejects PATH] [--max-consecutive-rejects N]
acled and ucdp read CSV files in the column layout of those datasets; json reads this API's own
exports (the JSON document or NDJSON). DATABASE_PATH selects the database, which is migrated first.
Prints a JSON report on stdout and writes every rejected row to --rejects (default FILE.rejects.ndjson;
not the FILE, the database, a symbolic link or an existing file other than an earlier .rejects.ndjson;
removed when no row is rejected). A CSV import stops after --max-consecutive-rejects rejected rows in
a row (default ${DEFAULT_MAX_CONSECUTIVE_REJECTS}; 0 never stops).
Exit codes: 0 every row imported (or already there), 1 some rows rejected and the rest imported,
2 bad usage or a file that cannot be read (or stopped), 3 the database or configuration cannot be used.`

/** Bad usage: the message, then how to use the command. */
function fail(message: string): never {
  console.error(`import: ${message}\n${USAGE}`)
  process.exit(2)
}

/** A file that cannot be imported: one line naming it and the cause. */
function unreadable(message: string): never {
  console.error(`import: ${message}`)
  process.exit(2)
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: { 'format': { type: 'string' }, 'batch': { type: 'string' }, 'rejects': { type: 'string' }, 'max-consecutive-rejects': { type: 'string' }, 'help': { type: 'boolean' } },
      allowPositionals: true,
    })
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
const maxRun = values['max-consecutive-rejects'] === undefined ? DEFAULT_MAX_CONSECUTIVE_REJECTS : Number(values['max-consecutive-rejects'])
if (!/^\d+$/.test(values['max-consecutive-rejects'] ?? '0')) fail(`--max-consecutive-rejects "${values['max-consecutive-rejects']}" is not a whole number`)
const format = values.format as ImportFormat
const path = positionals[0]!
const rejectsPath = values.rejects ?? `${path}.rejects.ndjson`

// Checked before the database is opened, so that a mistyped path does not leave a new empty database behind.
try {
  checkReadable(path)
} catch (err) {
  unreadable((err as Error).message)
}
const { config, storage } = openStorage('import', { exitCode: 3 })
checkRejectsPath(rejectsPath, path, config.databasePath)

/**
 * The rejects file is written from the first row and removed when no row is rejected: it must not
 * be the file being read, the database or anything else already there, apart from an earlier
 * run's rejects (a `.rejects.ndjson` file), which it replaces. Nor a symbolic link: writing
 * through one would overwrite whatever it points at, whatever its name. The path is looked at
 * with lstat, which does not follow a link; RejectLog opens it with O_NOFOLLOW, so a link put
 * there after this check is refused too.
 */
function checkRejectsPath(rejects: string, input: string, database: string) {
  const same = (a: string, b: string) => { try { return realpathSync(a) === realpathSync(b) } catch { return resolve(a) === resolve(b) } }
  const refuse = (why: string) => { storage.close(); fail(`--rejects ${rejects}: ${why}`) }
  if (same(rejects, input)) refuse('is the file being imported')
  if (database !== ':memory:' && ['', '-wal', '-shm', '-journal'].some((s) => same(rejects, database + s))) refuse('is the database')
  let found: Stats
  try {
    found = lstatSync(rejects)
  } catch {
    return
  }
  if (found.isSymbolicLink()) refuse('is a symbolic link; name the file itself')
  if (found.isDirectory()) refuse('is a folder')
  if (!rejects.endsWith('.rejects.ndjson')) refuse('exists already; name a new file, or one ending in .rejects.ndjson to replace an earlier run\'s')
}

/** One line rewritten in place on a terminal; nothing when stderr is a file or a pipe. */
function progressLine(): { update(p: ImportProgress): void, done(): void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} }
  let drawn = false
  return {
    update: ({ rows, fraction, report, stage }) => {
      const share = (stage ? ` ${stage}` : '') + (fraction === null ? '' : ` ${Math.round(fraction * 100)}%`)
      process.stderr.write(`\rimport ${format}:${share} ${rows} rows, ${report.imported} imported, ${report.updated} updated, `
        + `${report.unchanged} unchanged, ${report.rejected.length} rejected`)
      drawn = true
    },
    done: () => { if (drawn) process.stderr.write('\n') },
  }
}

/** The rejects file is removed when it stays empty, so the report must not point to it. */
const shown = (report: ImportReport): ImportReport => (report.rejectedRows ? report : { ...report, rejectsFile: null })

const progress = progressLine()
let exitCode = 0
let rejected = 0
try {
  const report = await importFile(storage.sqlite, { format, path, batch, rejectsPath, maxConsecutiveRejects: maxRun, onProgress: progress.update })
  progress.done()
  rejected = report.rejectedRows
  console.log(JSON.stringify(shown(report), null, 2))
  exitCode = rejected ? 1 : 0
} catch (err) {
  progress.done()
  if (!(err instanceof ImportFileError)) throw err
  // What was committed before the file went bad is real: report it before the error. A file
  // refused before its first row gets the one line alone.
  if (err.report && err.report.rows > 0) console.log(JSON.stringify(shown(err.report), null, 2))
  rejected = err.report?.rejectedRows ?? 0
  console.error(`import: ${err.message}`)
  exitCode = 2
} finally {
  storage.close()
  // An empty list of rejections says nothing; one from an earlier run must not be mistaken for this one's.
  if (rejected === 0) try { unlinkSync(rejectsPath) } catch { /* never created */ }
}
process.exitCode = exitCode
