import { statSync } from 'node:fs'
import type { CsvRow } from './csv.ts'
import { type PhysicalLine, readPhysicalLines } from './lines.ts'
import { ImportFileError } from './report.ts'

/** Longest row read; past it the row is rejected, so an unclosed quote cannot pull a whole file into memory. */
export const MAX_ROW_BYTES = 1024 * 1024

const TOO_LONG = `the row is longer than ${MAX_ROW_BYTES} bytes (a quote that is never closed?)`
const NOT_UTF8 = 'the file is not UTF-8 (saved as Windows-1252 or another encoding?): re-save it as UTF-8 (in Excel, "CSV UTF-8")'

/**
 * The rows of a CSV file as objects keyed by the lower-cased header, streamed line by line so
 * that a large file is never held in memory. Read as a spreadsheet would: a quote inside an
 * unquoted field (`5" shell`) is a character like any other, and LF, CRLF and a lone CR all end
 * a line. A row that cannot be read (a quote opened and never closed, a quote that swallows the
 * rows after it, a row over MAX_ROW_BYTES, bytes that are not UTF-8, a NUL) comes out with a
 * `problem`, and reading resumes on the line after the one where it started. A file whose header
 * cannot be read, lacks a column or names one twice raises an ImportFileError naming the file.
 */
export async function* readCsv(path: string, columns: readonly string[], progress?: (fraction: number) => void, work?: { taken: number }): AsyncGenerator<CsvRow> {
  const size = statSync(path).size
  const records = new Records(path, columns, work)
  const out: CsvRow[] = []
  let before = 0
  for await (const { lines, bytes } of readPhysicalLines(path, MAX_ROW_BYTES)) {
    for (const line of lines) records.push(line, out)
    // Each row as it is handed on, its share of the chunk read: the share after the chunk, set once
    // its rows were all written, lagged a whole read (1 MiB) behind.
    const rows = out.splice(0)
    for (let i = 0; i < rows.length; i++) {
      progress?.(size ? Math.min(1, (before + ((bytes - before) * (i + 1)) / rows.length) / size) : 1)
      yield rows[i]!
    }
    before = bytes
    progress?.(size ? Math.min(1, bytes / size) : 1)
  }
  records.end(out)
  yield* out
}

/** Times a line may be taken into a record before it may only be read as a row of its own. */
const MAX_TAKEN = 3

/** A record being read: the lines it has taken so far and the fields parsed from them. */
interface Open { lines: PhysicalLine[], held: number, fields: string[], cur: string, raw: string, quoted: boolean }

const fresh = (): Omit<Open, 'lines' | 'held'> => ({ fields: [], cur: '', raw: '', quoted: false })

/**
 * Assembles physical lines into records. The lines of a record that turns out broken are kept
 * (at most MAX_ROW_BYTES of them) and read again, so the file is read once, front to back.
 */
class Records {
  private header: string[] | undefined
  private open: Open | undefined

  /** `work.taken` counts the lines taken into records, each time: what reading a file cost. */
  constructor(private readonly path: string, private readonly columns: readonly string[], private readonly work?: { taken: number }) {}

  push(first: PhysicalLine, out: CsvRow[]): void {
    let work = [first], i = 0
    while (i < work.length) {
      const again = this.take(work[i++]!, out)
      // Not unshift(...again): a broken row can hold a few hundred thousand short lines.
      if (again) {
        work = again.concat(work.slice(i))
        i = 0
      }
    }
  }

  end(out: CsvRow[]): void {
    while (this.open) {
      const { lines } = this.open
      this.open = undefined
      this.reject(lines[0]!.line, 'a quote opened on this line is never closed', out)
      for (const line of lines.slice(1)) this.push(line, out)
    }
    if (!this.header) throw new ImportFileError(`${this.path}: the file is empty (no header line)`)
  }

  /** Reads one line; returns the lines to read again when the record they were taken into is broken. */
  private take(line: PhysicalLine, out: CsvRow[]): PhysicalLine[] | undefined {
    const open = this.open
    if (line.text === null) {
      if (!open) {
        this.reject(line.line, TOO_LONG, out)
        return undefined
      }
      this.open = undefined
      this.reject(open.lines[0]!.line, TOO_LONG, out)
      return [...open.lines.slice(1), line]
    }
    if (!this.header) checkHeaderLine(this.path, line)
    // A line read again and again (each broken record hands its lines back) may start a record
    // but no longer joins one, nor lets one it starts run on: rows that each leave a quote open
    // would otherwise swallow the rows after them over and over, in time growing with their square.
    const worn = (line.taken = (line.taken ?? 0) + 1) > MAX_TAKEN
    if (this.work) this.work.taken++
    if (!open) {
      if (line.text === '') return undefined
      const record = { lines: [line], held: line.text.length, ...fresh() }
      if (parse(record, line)) return this.complete(record, out)
      if (worn) {
        this.reject(line.line, 'a quote opened on this line is never closed', out)
        return undefined
      }
      this.open = record
      return undefined
    }
    if (worn) {
      this.open = undefined
      this.reject(open.lines[0]!.line, `a quote opened on line ${open.lines[0]!.line} is not closed before the line ends`, out)
      return [...open.lines.slice(1), line]
    }
    const width = this.header?.length ?? 0
    // A quoted cell may hold line breaks, but a line after one that reads as a whole row of its
    // own means the quote was a stray one that would swallow the rows after it.
    if (width > 1 && isFullRow(line.text, width)) {
      this.open = undefined
      this.reject(open.lines[0]!.line, `a quote opened on line ${open.lines[0]!.line} is not closed before the line ends (line ${line.line} after it reads as a row of its own)`, out)
      return [...open.lines.slice(1), line]
    }
    if (open.held + line.text.length > MAX_ROW_BYTES) {
      this.open = undefined
      this.reject(open.lines[0]!.line, TOO_LONG, out)
      return [...open.lines.slice(1), line]
    }
    open.lines.push(line)
    open.held += line.text.length
    if (!parse(open, line)) return undefined
    this.open = undefined
    return this.complete(open, out)
  }

  private complete(record: Open, out: CsvRow[]): PhysicalLine[] | undefined {
    const { lines, fields } = record
    const line = lines[0]!.line
    if (!this.header) {
      this.header = readHeader(this.path, fields, this.columns)
      return undefined
    }
    const header = this.header
    if (lines.length > 1 && fields.length !== header.length) {
      const last = lines[lines.length - 1]!.line
      this.reject(line, `a quote opened on line ${line} is not closed before the line ends, so lines ${line}-${last} read as one row of ${fields.length} fields where the header has ${header.length}`, out)
      return lines.slice(1)
    }
    const cells = Object.fromEntries(header.map((h, i) => [h, fields[i] ?? '']))
    const problem = rowProblem(header, fields, lines)
    out.push(problem ? { line, cells, problem } : { line, cells })
    return undefined
  }

  private reject(line: number, problem: string, out: CsvRow[]): void {
    if (!this.header) throw new ImportFileError(`${this.path}: not readable as CSV: the header line cannot be read (${problem})`)
    out.push({ line, cells: {}, problem })
  }
}

function rowProblem(header: string[], fields: string[], lines: PhysicalLine[]): string | undefined {
  const named = (test: (cell: string) => boolean) => fields.flatMap((f, i) => (test(f) ? [header[i] ?? `${i + 1}`] : []))
  if (lines.some((l) => l.notUtf8)) {
    const where = named((f) => f.includes('\ufffd'))
    return `${where.length ? `column${where.length > 1 ? `s ${where.join(', ')} hold` : ` ${where[0]} holds`}` : 'the row holds'} bytes that are not UTF-8 text; ${NOT_UTF8}`
  }
  const nul = named((f) => f.includes('\u0000'))
  if (nul.length) return `column${nul.length > 1 ? 's' : ''} ${nul.join(', ')} hold${nul.length > 1 ? '' : 's'} a NUL character (U+0000)`
  return fields.length === header.length ? undefined : `the row has ${fields.length} fields where the header has ${header.length}`
}

/**
 * Parses one line into a record; true once the record is complete, false while a quoted field
 * runs on past the line end. As csv-parse reads with `relax_quotes`: a field is quoted only when
 * its first character is a quote, `""` in it is a quote, and a quote followed by anything but a
 * comma or the line end makes the whole field plain text, quotes and all, up to the next comma.
 */
function parse(state: Omit<Open, 'lines' | 'held'>, line: PhysicalLine): boolean {
  const text = line.text!
  const { fields } = state
  let i = 0
  if (!state.quoted && !text.includes('"')) {
    for (const f of text.split(',')) fields.push(f)
    return true
  }
  for (;;) {
    if (state.quoted) {
      const q = text.indexOf('"', i)
      if (q === -1) {
        state.cur += text.slice(i) + line.eol
        state.raw += text.slice(i) + line.eol
        return false
      }
      state.cur += text.slice(i, q)
      state.raw += text.slice(i, q + 1)
      const next = text[q + 1]
      if (next === '"') {
        state.cur += '"'
        state.raw += '"'
        i = q + 2
        continue
      }
      state.quoted = false
      if (next === undefined) {
        fields.push(state.cur)
        return true
      }
      if (next === ',') {
        fields.push(state.cur)
        i = q + 2
      } else {
        const comma = text.indexOf(',', q + 1)
        fields.push(state.raw + text.slice(q + 1, comma === -1 ? undefined : comma))
        if (comma === -1) return true
        i = comma + 1
      }
      state.cur = state.raw = ''
      continue
    }
    if (text[i] === '"') {
      state.quoted = true
      state.raw = '"'
      i++
      continue
    }
    const comma = text.indexOf(',', i)
    fields.push(text.slice(i, comma === -1 ? undefined : comma))
    if (comma === -1) return true
    i = comma + 1
  }
}

function isFullRow(text: string, width: number): boolean {
  const state = fresh()
  return parse(state, { line: 0, text, eol: '', notUtf8: false }) && state.fields.length === width
}

/** The encoding checks a header line needs before it is parsed: a binary file can hold anything, quotes included. */
function checkHeaderLine(path: string, line: PhysicalLine): void {
  const text = line.text!
  const nuls = text.split('\u0000').length - 1
  // UTF-16 puts a NUL beside every ASCII character (and its BOM reads as two U+FFFD).
  if (nuls > 0 && nuls * 3 >= text.length && /^(\ufffd\ufffd)?[\u0000\u0009\u0020-\u007e]*$/.test(text)) {
    throw new ImportFileError(`${path}: the file is UTF-16 text, not UTF-8: re-save it as UTF-8 (in Excel, "CSV UTF-8")`)
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) throw new ImportFileError(`${path}: not a CSV text file (its first line holds binary data)`)
  // Bytes that are not UTF-8 and no comma to part columns: no CSV header in any encoding (an image,
  // a workbook, an archive), whatever its first line happens to hold.
  if (line.notUtf8 && !text.includes(',')) throw new ImportFileError(`${path}: not a CSV text file (its first line is binary data, not a header of columns)`)
  if (line.notUtf8) {
    const column = text.split(',').findIndex((h) => h.includes('\ufffd'))
    throw new ImportFileError(`${path}: the header line is not UTF-8 text (column ${column + 1}, "${text.split(',')[column]}"): ${NOT_UTF8}`)
  }
}

function readHeader(path: string, record: string[], columns: readonly string[]): string[] {
  const header = record.map((h) => h.trim().toLowerCase())
  const first = new Map<string, number>()
  for (const [i, h] of header.entries()) {
    const before = first.get(h)
    // Cells are keyed by column name, so the second copy would silently win.
    if (before !== undefined && h !== '') throw new ImportFileError(`${path}: the header names the column ${h} twice (columns ${before + 1} and ${i + 1}); remove or rename one`)
    first.set(h, i)
  }
  const missing = columns.filter((c) => !header.includes(c))
  if (missing.length) {
    const shown = header.join(', ')
    throw new ImportFileError(`${path}: not the expected CSV header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown})`)
  }
  return header
}
