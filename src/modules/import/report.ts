import { closeSync, constants, openSync, writeSync } from 'node:fs'
import { InUseError, NotFoundError, PreconditionFailedError, UnknownReferenceError, WriteValidationError } from '../../errors.ts'

export const IMPORT_FORMATS = ['acled', 'ucdp', 'json'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** What happened to one input row: the row's main record was created, changed, or already matched. */
export type RowOutcome = 'imported' | 'updated' | 'unchanged'

export interface Rejection { row: number, externalId: string | null, reason: string }

/** A row written with cells shortened to fit their fields: which, how long they were, to what length. */
export interface Shortened { row: number, externalId: string | null, cells: string[] }

export interface ImportReport {
  file: string
  format: ImportFormat
  rows: number
  imported: number
  updated: number
  unchanged: number
  /** How many rows were rejected. */
  rejectedRows: number
  /** The first REJECTIONS_SHOWN rejected rows, in input order; all of them are in `rejectsFile`. */
  rejected: Rejection[]
  /** Where every rejection was written, one JSON object a line; null when none was asked for. */
  rejectsFile: string | null
  /** How many written rows had a cell shortened to fit its field (ACLED and UCDP files). */
  shortenedRows: number
  /** The first REJECTIONS_SHOWN of those, in input order. */
  shortened: Shortened[]
}

/** Rejections kept in the report itself: a file of junk must not fill memory with its reasons. */
export const REJECTIONS_SHOWN = 100

/**
 * Opened to write, created or emptied, and never through a symbolic link: a link at the path
 * (one put there after the command line checked it, say) fails with ELOOP instead of having the
 * file it points at overwritten. O_NOFOLLOW is 0 where the platform has none (Windows).
 */
const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0)

/** Appends each rejection to a file as it happens, so a long list never has to be held. */
export class RejectLog {
  private fd: number | null = null

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, WRITE_NO_FOLLOW, 0o666)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const why = code === 'ELOOP' ? 'it is a symbolic link' : code ?? (err as Error).message
      throw new ImportFileError(`cannot write the list of rejected rows to ${path}: ${why}`)
    }
  }

  write(rejection: Rejection): void {
    if (this.fd !== null) writeSync(this.fd, JSON.stringify(rejection) + '\n')
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

export interface ImportProgress {
  rows: number
  /** Share of the input read so far (0..1), when it can be known. */
  fraction: number | null
  report: ImportReport
  /** An NDJSON export is read through once (`fraction` of the file) and planned before its records are written. */
  stage?: 'reading' | 'planning' | 'writing'
}

/**
 * The file itself cannot be imported (unreadable, wrong header, not an export of ours). Rows
 * committed before the problem was found stay committed; `report` says which.
 */
export class ImportFileError extends Error {
  constructor(message: string, readonly report?: ImportReport) { super(message) }
}

/** One input row is unusable; the message is the reason shown in the report. */
export class RowError extends Error {}

/**
 * The reason a row is rejected, or undefined when the error is not about the row (a full disk, a
 * bug): those must stop the import rather than be reported as one bad row and carried past.
 */
export function rowReason(err: unknown): string | undefined {
  if (err instanceof RowError) return err.message
  // The engine words its messages for an HTTP client ("invalid body: ..."); a file has no body.
  if (err instanceof WriteValidationError) return err.message.replace(/^invalid body: /, '')
  if (err instanceof UnknownReferenceError) return err.message
  if (err instanceof InUseError || err instanceof PreconditionFailedError || err instanceof NotFoundError) return err.message
  return undefined
}

/** Running totals. Kept apart from a batch's own results until that batch has committed. */
export class Tally {
  readonly report: ImportReport

  /** Rows rejected since the last one that was not. */
  consecutiveRejections = 0
  /** The line of the first of those. */
  firstOfRun = 0

  constructor(file: string, format: ImportFormat, private readonly log?: RejectLog) {
    this.report = { file, format, rows: 0, imported: 0, updated: 0, unchanged: 0, rejectedRows: 0, rejected: [], rejectsFile: log?.path ?? null, shortenedRows: 0, shortened: [] }
  }

  count(outcome: RowOutcome): void {
    this.report.rows++
    this.report[outcome]++
    this.consecutiveRejections = 0
  }

  reject(rejection: Rejection): void {
    this.report.rows++
    this.note(rejection)
  }

  /** A later pass over an already counted row changed what happened to it. */
  amend(from: RowOutcome, to: RowOutcome | Rejection): void {
    this.report[from]--
    if (typeof to === 'string') this.report[to]++
    else this.note(to)
  }

  private note(rejection: Rejection): void {
    if (this.consecutiveRejections++ === 0) this.firstOfRun = rejection.row
    this.report.rejectedRows++
    if (this.report.rejected.length < REJECTIONS_SHOWN) this.report.rejected.push(rejection)
    this.log?.write(rejection)
  }

  /** A written row had cells shortened; counted once its batch has committed. */
  shorten(note: Shortened): void {
    this.report.shortenedRows++
    if (this.report.shortened.length < REJECTIONS_SHOWN) this.report.shortened.push(note)
  }

  /** Rejections in input order: JSON rows are applied in dependency order, not file order. */
  finish(): ImportReport {
    this.report.rejected.sort((a, b) => a.row - b.row)
    return this.report
  }
}
