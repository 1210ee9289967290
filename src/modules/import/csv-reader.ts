import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import { parse } from 'csv-parse'
import type { CsvRow } from './csv.ts'
import { ImportFileError } from './report.ts'

/** Longest row read; past it the row is rejected, so an unclosed quote cannot pull a whole file into memory. */
export const MAX_ROW_BYTES = 1024 * 1024

interface Info { lines: number, bytes: number, empty_lines: number }

/**
 * The rows of a CSV file as objects keyed by the lower-cased header, streamed so that a large
 * file is never held in memory. Read as a spreadsheet would: a quote inside an unquoted field
 * (`5" shell`) is a character like any other. A row that still cannot be read (a quote opened
 * and never closed, a row over MAX_ROW_BYTES, a quote that swallows the following lines) comes
 * out with a `problem`, and reading resumes on the line after the one where it started. A file
 * whose header cannot be read, or lacks a column, raises an ImportFileError naming the file.
 */
export async function* readCsv(path: string, columns: readonly string[], progress?: (fraction: number) => void): AsyncGenerator<CsvRow> {
  const size = statSync(path).size
  let header: string[] | undefined
  // Where the current parser starts (a byte offset and the lines before it), and, once a row
  // could not be read, where that row starts: the rows before it are read up to there first.
  let offset = 0, lineBase = 0
  let broken: { byte: number, line: number, reason: string } | undefined
  for (;;) {
    const input = createReadStream(path, { start: offset, ...(broken ? { end: broken.byte - 1 } : {}) })
    // A parse error destroys the stream with rows parsed but not yet handed out: the end of the
    // last row parsed is kept here so that those rows can be read again.
    let parsed = { rows: 0, byte: offset, line: lineBase }
    const parser = input.pipe(parse({
      bom: offset === 0, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_ROW_BYTES,
      on_record: (record: string[], info: Info) => {
        parsed = { rows: parsed.rows + 1, byte: offset + info.bytes, line: lineBase + info.lines }
        return record
      },
    }))
    // The end of the last row handed out.
    let done = { rows: 0, byte: offset, line: lineBase }
    let lines = 0, empty = 0
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[], info: Info }>) {
        const line = lineBase + lines + 1 + (info.empty_lines - empty)
        const last = lineBase + info.lines
        lines = info.lines
        empty = info.empty_lines
        if (!header) {
          header = readHeader(path, record, columns)
        } else if (record.length !== header.length && last > line) {
          // A quote opened on `line` ran on past its line end: the lines it took in are rows of their own.
          broken = { byte: done.byte, line: done.line, reason: `a quote opened on line ${line} is not closed before the line ends, so lines ${line}-${last} read as one row of ${record.length} fields where the header has ${header.length}` }
          break
        } else {
          const cells = Object.fromEntries(header.map((h, i) => [h, record[i] ?? '']))
          const problem = record.length === header.length ? undefined : `the row has ${record.length} fields where the header has ${header.length}`
          yield problem ? { line, cells, problem } : { line, cells }
        }
        done = { rows: done.rows + 1, byte: offset + info.bytes, line: lineBase + info.lines }
        progress?.(size ? Math.min(1, done.byte / size) : 1)
      }
    } catch (err) {
      if (err instanceof ImportFileError) throw err
      const e = err as Error & { code?: string }
      if (!header) throw new ImportFileError(`${path}: not readable as CSV: the header line cannot be read (${e.message.split('\n')[0]})`)
      if (!e.code?.startsWith('CSV_') && !/^INVALID_/.test(e.code ?? '')) throw err
      const reason = e.code === 'CSV_MAX_RECORD_SIZE' ? `the row is longer than ${MAX_ROW_BYTES} bytes (a quote that is never closed?)`
        : e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opened on this line is never closed' : e.message
      broken = { byte: parsed.byte, line: parsed.line, reason }
      if (parsed.rows > done.rows) {
        // Rows were parsed but lost with the stream: read them again, up to the broken row.
        offset = done.byte
        lineBase = done.line
        continue
      }
    } finally {
      input.destroy()
    }
    if (!header) throw new ImportFileError(`${path}: the file is empty (no header line)`)
    if (!broken) return
    // The row that could not be read starts on the first non-empty line after the last good one.
    const at = nextLines(path, broken.byte, broken.line)
    if (at === null) return
    yield { line: at.line, cells: {}, problem: broken.reason }
    offset = at.resumeByte
    lineBase = at.line
    broken = undefined
  }
}

function readHeader(path: string, record: string[], columns: readonly string[]): string[] {
  const header = record.map((h) => h.trim().toLowerCase())
  // A binary file reads as one long "header" of control characters or invalid UTF-8.
  if (header.some((h) => /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(h))) throw new ImportFileError(`${path}: not a CSV text file (its first line holds binary data)`)
  const missing = columns.filter((c) => !header.includes(c))
  if (missing.length) {
    const shown = header.join(', ')
    throw new ImportFileError(`${path}: not the expected CSV header: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the header has ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown})`)
  }
  return header
}

/**
 * From the end of the last row read, the line the broken row starts on (skipping empty lines) and
 * the byte where the line after it starts; null when the file ends first. Reads in small blocks.
 */
function nextLines(path: string, fromByte: number, linesBefore: number): { line: number, resumeByte: number } | null {
  const fd = openSync(path, 'r')
  try {
    const block = Buffer.alloc(64 * 1024)
    let pos = fromByte, line = linesBefore + 1, lineHasText = false
    for (;;) {
      const n = readSync(fd, block, 0, block.length, pos)
      if (n === 0) return lineHasText ? { line, resumeByte: pos } : null
      for (let i = 0; i < n; i++) {
        const c = block[i]!
        if (c === 0x0a) {
          if (lineHasText) return { line, resumeByte: pos + i + 1 }
          line++
        } else if (c !== 0x0d) {
          lineHasText = true
        }
      }
      pos += n
    }
  } finally {
    closeSync(fd)
  }
}
