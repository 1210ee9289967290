import { InUseError, NotFoundError, PreconditionFailedError, UnknownReferenceError, WriteValidationError } from '../../errors.ts'

export const IMPORT_FORMATS = ['acled', 'ucdp', 'json'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** What happened to one input row: the row's main record was created, changed, or already matched. */
export type RowOutcome = 'imported' | 'updated' | 'unchanged'

export interface Rejection { row: number, externalId: string | null, reason: string }

export interface ImportReport {
  file: string
  format: ImportFormat
  rows: number
  imported: number
  updated: number
  unchanged: number
  rejected: Rejection[]
}

export interface ImportProgress {
  rows: number
  /** Share of the input read so far (0..1), when it can be known. */
  fraction: number | null
  report: ImportReport
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

  constructor(file: string, format: ImportFormat) {
    this.report = { file, format, rows: 0, imported: 0, updated: 0, unchanged: 0, rejected: [] }
  }

  count(outcome: RowOutcome): void {
    this.report.rows++
    this.report[outcome]++
  }

  reject(rejection: Rejection): void {
    this.report.rows++
    this.report.rejected.push(rejection)
  }

  /** A later pass over an already counted row changed what happened to it. */
  amend(from: RowOutcome, to: RowOutcome | Rejection): void {
    this.report[from]--
    if (typeof to === 'string') this.report[to]++
    else this.report.rejected.push(to)
  }

  /** Rejections in input order: JSON rows are applied in dependency order, not file order. */
  finish(): ImportReport {
    this.report.rejected.sort((a, b) => a.row - b.row)
    return this.report
  }
}
