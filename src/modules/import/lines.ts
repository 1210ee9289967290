import { isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'

export interface Line { line: number, text: string | null }

/**
 * The lines of a file, numbered from 1 as `text.split('\n')` would number them, in groups of one
 * read's worth. Only the line being assembled is held: one longer than `maxBytes` comes out with
 * text null and is skipped to its end, so a file without line breaks cannot fill memory.
 */
export async function* readLines(path: string, maxBytes: number, read?: (bytes: number) => void): AsyncGenerator<Line[]> {
  const input = createReadStream(path, { highWaterMark: 1024 * 1024 })
  let parts: Buffer[] = []
  let held = 0, line = 0, bytes = 0
  let tooLong = false
  const take = (piece: Buffer): Line => {
    const text = tooLong || held + piece.length > maxBytes ? null : (parts.length ? Buffer.concat([...parts, piece]) : piece).toString('utf8')
    parts = []
    held = 0
    tooLong = false
    return { line: ++line, text: line === 1 && text ? text.replace(/^\ufeff/, '') : text }
  }
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytes += chunk.length
      const out: Line[] = []
      let start = 0
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        out.push(take(chunk.subarray(start, nl)))
        start = nl + 1
      }
      const rest = chunk.subarray(start)
      if (!tooLong && held + rest.length > maxBytes) {
        tooLong = true
        parts = []
        held = 0
      } else if (!tooLong && rest.length > 0) {
        // A copy, so that the read buffer it came from is not kept alive with it.
        parts.push(Buffer.from(rest))
        held += rest.length
      }
      read?.(bytes)
      if (out.length) yield out
    }
    if (held > 0 || tooLong) yield [take(Buffer.alloc(0))]
  } finally {
    input.destroy()
  }
}

export interface PhysicalLine {
  line: number
  /** The line without its line end, decoded as UTF-8; null when longer than `maxBytes`. */
  text: string | null
  /** The line end as written (`\n`, `\r\n`, `\r`, or '' at the end of the file), kept for quoted cells that span lines. */
  eol: string
  /** The line holds bytes that are not UTF-8: `text` has U+FFFD in their place. */
  notUtf8: boolean
  /** How many times the CSV reader has taken the line into a record (it reads broken ones again). */
  taken?: number
}

/**
 * The lines of a file as an editor numbers them: LF, CRLF and a lone CR (old Mac spreadsheets)
 * each end a line. Yielded in groups of one read's worth, with the bytes read so far; like
 * readLines, a line longer than `maxBytes` comes out with text null and is not held.
 */
export async function* readPhysicalLines(path: string, maxBytes: number): AsyncGenerator<{ lines: PhysicalLine[], bytes: number }> {
  const input = createReadStream(path, { highWaterMark: 1024 * 1024 })
  // The unfinished line carried from one read into the next; a CR at the end of a read is
  // carried too, since only the next byte tells a CRLF from a lone CR.
  let rest: Buffer | null = null
  let tooLong = false, line = 0, bytes = 0
  const make = (piece: Buffer | null, eol: string): PhysicalLine => {
    line++
    if (piece === null || piece.length > maxBytes) return { line, text: null, eol, notUtf8: false }
    let text = piece.toString('utf8')
    // U+FFFD is rare in real text, so the exact check runs only when one appears.
    const notUtf8 = text.includes('\ufffd') && !isUtf8(piece)
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    return { line, text, eol, notUtf8 }
  }
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytes += chunk.length
      const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
      rest = null
      const out: PhysicalLine[] = []
      let start = 0
      let lf = buf.indexOf(10), cr = buf.indexOf(13)
      while (lf !== -1 || cr !== -1) {
        const at = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr
        if (at === cr && at === buf.length - 1) break
        const crlf = at === cr && buf[at + 1] === 10
        const end = crlf ? at + 2 : at + 1
        out.push(make(tooLong ? null : buf.subarray(start, at), at === lf ? '\n' : crlf ? '\r\n' : '\r'))
        tooLong = false
        start = end
        if (lf !== -1 && lf < end) lf = buf.indexOf(10, end)
        if (cr !== -1 && cr < end) cr = buf.indexOf(13, end)
      }
      const tail = buf.subarray(start)
      if (!tooLong && tail.length > maxBytes) tooLong = true
      // A copy, so that the read buffer it came from is not kept alive with it; the CR of a
      // too-long line is kept so that its line end is still seen.
      if (tooLong) rest = tail.length && tail[tail.length - 1] === 13 ? Buffer.from([13]) : null
      else if (tail.length) rest = Buffer.from(tail)
      if (out.length) yield { lines: out, bytes }
    }
    if (rest && rest.length && rest[rest.length - 1] === 13) {
      const last = tooLong ? null : rest.subarray(0, rest.length - 1)
      yield { lines: [make(last, '\r')], bytes }
    } else if ((rest && rest.length) || tooLong) {
      yield { lines: [make(tooLong ? null : rest, '')], bytes }
    }
  } finally {
    input.destroy()
  }
}
