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
