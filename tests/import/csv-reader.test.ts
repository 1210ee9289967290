import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCsv } from '../../src/modules/import/csv-reader.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { ImportFileError } from '../../src/modules/import/report.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'
import { counts, writeLargeAcled } from './support.ts'

const HEADER = 'event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities'
const COLUMNS = ['event_id_cnty', 'notes', 'fatalities']

/** One ACLED row; `notes` and `location` are written into the line as given. */
const row = (id: string, notes = 'Synthetic row.', location = 'Sample Town') =>
  `${id},2024-03-02,1,Battles,Armed clash,Sample Force,Sample Band,Sampleland,North Province,${location},40.1,45.5,1,Sample Herald,${notes},2`

function write(content: string | Buffer, name = 'rows.csv'): string {
  const path = join(tempDir(), name)
  writeFileSync(path, content)
  return path
}

async function read(path: string) {
  const rows = []
  for await (const r of readCsv(path, COLUMNS)) rows.push(r)
  return rows
}

describe('a stray quote', () => {
  it('that closes rows later in the same column is rejected on its own line, and the rows it took in are read as rows', async () => {
    const app = await buildTestApp()
    // Line 1 is the header: row i is on line i + 1.
    const rows = Array.from({ length: 20 }, (_, i) => row(`STR${i + 2}`))
    rows[3] = row('STR5', '"Stray quote, never closed')
    rows[9] = row('STR11', '"Iron Fist" shelling reported overnight')
    const path = write([HEADER, ...rows].join('\n') + '\n')
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ rows: 20, imported: 19, rejectedRows: 1 })
    expect(report.rejected).toEqual([{ row: 5, externalId: null, reason: expect.stringMatching(/quote opened on line 5 is not closed/) }])
    for (const line of [6, 10, 12, 21]) expect((await getJson(app, `/v1/events/acled-str${line}`)).status).toBe(200)
    expect((await getJson(app, '/v1/events/acled-str11')).body.data.summary).toBe('"Iron Fist" shelling reported overnight')
  })

  it('in every second row of 2,000 costs those rows only', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(`STR${i}`, i % 2 ? `"Stray quote ${i} never closed` : `Row ${i}.`))
    const read2000 = await read(write([HEADER, ...rows].join('\n') + '\n'))
    expect(read2000).toHaveLength(2000)
    expect(read2000.filter((r) => r.problem).map((r) => r.line)).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i + 3))
    expect(read2000.filter((r) => !r.problem).map((r) => r.cells.event_id_cnty)).toEqual(Array.from({ length: 1000 }, (_, i) => `STR${2 * i}`))
  })

  it('does not break a quoted cell that holds line breaks and commas: it is one row', async () => {
    const rows = await read(write([HEADER, row('ML1', '"first line\nsecond, with a comma\n\nand ""quoted"" text"'), row('ML2')].join('\n') + '\n'))
    expect(rows.map((r) => [r.line, r.problem])).toEqual([[2, undefined], [6, undefined]])
    expect(rows[0]!.cells.notes).toBe('first line\nsecond, with a comma\n\nand "quoted" text')
  })
})

describe('line ends', () => {
  it('CR alone ends a line (old Mac spreadsheets): an unclosed quote loses only its line and lines are numbered as an editor shows them', async () => {
    const app = await buildTestApp()
    const rows = Array.from({ length: 12 }, (_, i) => row(`CR${i + 2}`))
    rows[2] = row('CR4', '"never closed')
    const path = write([HEADER, ...rows].join('\r') + '\r')
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ rows: 12, imported: 11, rejectedRows: 1 })
    expect(report.rejected).toEqual([{ row: 4, externalId: null, reason: expect.stringMatching(/quote opened on line 4/) }])
    expect((await getJson(app, '/v1/events/acled-cr13')).status).toBe(200)
  })

  it('a quoted cell with CRLF breaks counts each break once, in LF, CRLF and CR files alike', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const lines = [HEADER, row('LN2'), row('LN3', '"multi\r\nline\r\nnote"'), ...Array.from({ length: 3 }, (_, i) => row(`LN${i + 6}`)), 'too,few,fields', row('LN10')]
      const rows = await read(write(lines.join(eol) + eol))
      expect(rows.map((r) => r.line), JSON.stringify(eol)).toEqual([2, 3, 6, 7, 8, 9, 10])
      expect(rows[1]!.cells.notes).toBe('multi\r\nline\r\nnote')
      expect(rows[5]!.problem).toMatch(/3 fields where the header has 16/)
    }
  })
  it('a CRLF or a lone CR at the end of a read is one line end', async () => {
    for (const eol of ['\r\n', '\r']) {
      // The reader reads 1 MiB at a time: the CR of one row lands on the last byte of the first read.
      const lines = [HEADER]
      let bytes = HEADER.length + eol.length
      while (bytes + 300 < 1024 * 1024) {
        lines.push(row(`RB${lines.length + 1}`))
        bytes += lines.at(-1)!.length + eol.length
      }
      const short = row(`RB${lines.length + 1}`, '')
      lines.push(row(`RB${lines.length + 1}`, 'x'.repeat(1024 * 1024 - 1 - bytes - short.length)))
      lines.push(row(`RB${lines.length + 1}`), row(`RB${lines.length + 2}`))
      const content = lines.join(eol) + eol
      expect(content.indexOf('\r', 1024 * 1024 - 2)).toBe(1024 * 1024 - 1)
      const rows = await read(write(content))
      expect(rows.filter((r) => r.problem)).toEqual([])
      expect(rows.map((r) => `${r.line}`)).toEqual(rows.map((r) => r.cells.event_id_cnty!.slice(2)))
      expect(rows).toHaveLength(lines.length - 1)
    }
  })
})

describe('bytes that are not text', () => {
  it('a row in Windows-1252 is rejected naming its line and columns and saying the file is not UTF-8; the UTF-8 rows are imported', async () => {
    const app = await buildTestApp()
    const path = write(Buffer.concat([
      Buffer.from(`${HEADER}\n${row('CP2')}\n`),
      Buffer.from(`${row('CP3', 'caf\xe9 \x96 dash', 'Fizul\xee')}\n`, 'latin1'),
      Buffer.from(`${row('CP4', 'café – dash in UTF-8', 'Füzuli')}\n`),
    ]))
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ imported: 2, rejectedRows: 1 })
    expect(report.rejected).toEqual([{ row: 3, externalId: 'CP3', reason: expect.stringMatching(/columns location, notes hold bytes that are not UTF-8.*re-save it as UTF-8/) }])
    expect((await getJson(app, '/v1/events/acled-cp4')).body.data.summary).toBe('café – dash in UTF-8')
  })

  it('a header that is not UTF-8 or is UTF-16 is refused saying so; a binary file is still called binary', async () => {
    const app = await buildTestApp()
    const cases: [string, Buffer, RegExp][] = [
      ['cp1252.csv', Buffer.from(`${HEADER},lieu_pr\xe9cis\n${row('H1')},x\n`, 'latin1'), /header line is not UTF-8 text \(column 17.*re-save it as UTF-8/],
      ['utf16.csv', Buffer.from(`${HEADER}\n${row('H1')}\n`, 'utf16le'), /UTF-16 text, not UTF-8/],
      ['utf16bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n${row('H1')}\n`, 'utf16le')]), /UTF-16 text, not UTF-8/],
      ['photo.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /not a CSV text file \(its first line holds binary data\)/],
      // A PNG's first line (its signature up to CR LF) holds no control character, only bytes that are not UTF-8.
      ['image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256))]), /not a CSV text file \(its first line is binary data/],
    ]
    for (const [name, bytes, cause] of cases) {
      const path = write(bytes, name)
      const err = await importFile(app.storage.sqlite, { format: 'acled', path }).catch((e) => e)
      expect(err, name).toBeInstanceOf(ImportFileError)
      expect(err.message, name).toMatch(cause)
      expect(err.message).not.toMatch(name === 'photo.csv' || name === 'image.png' ? /UTF/ : /binary/)
    }
  })

  it('reports progress with each row handed on, not a whole read behind', async () => {
    // About 3 MiB: three reads of 1 MiB.
    const path = join(tempDir(), 'large.csv')
    writeLargeAcled(path, 25_000)
    let fraction = 0
    const seen: number[] = []
    for await (const _row of readCsv(path, ['event_id_cnty'], (f) => { fraction = f })) seen.push(fraction)
    expect(seen).toHaveLength(25_000)
    // Each row's share is set before it is handed on, and never goes back.
    expect(seen[0]).toBeGreaterThan(0)
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true)
    expect(Math.abs(seen[12_500]! - 0.5)).toBeLessThan(0.1)
    expect(seen[24_999]).toBeCloseTo(1, 2)
  })

  it('reads rows that each leave a quote open in time that grows with the file, not with its square', async () => {
    // Each row has a quoted cell, then a note whose quote the exporting tool cut off: a stray quote
    // on every line, so every record swallowed the rows after it and handed them back.
    const cut = (i: number) => `CUT${i},2023-09-19,1,Battles,Armed clash,"Group A, B",Group C,Sampleland,Region,Town,40.1,45.2,1,Source,"The note was cut off ${'x'.repeat(200)},3`
    for (const n of [500, 2000]) {
      const path = write([HEADER, ...Array.from({ length: n }, (_, i) => cut(i))].join('\n') + '\n')
      const work = { taken: 0 }
      const rows = []
      for await (const r of readCsv(path, ['event_id_cnty'], undefined, work)) rows.push(r)
      expect(rows).toHaveLength(n)
      expect(rows.every((r) => r.problem?.startsWith('a quote opened on'))).toBe(true)
      expect(rows.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 2))
      // Every line is taken into a record a few times at most.
      expect(work.taken).toBeGreaterThanOrEqual(n)
      expect(work.taken, `${n} rows`).toBeLessThanOrEqual(4 * (n + 1))
    }
  })

  it('a NUL in a cell rejects the row, naming its line and column', async () => {
    const rows = await read(write([HEADER, row('NUL2'), row('NUL3', 'before\u0000after'), row('NUL4')].join('\n') + '\n'))
    expect(rows.map((r) => [r.line, r.problem])).toEqual([[2, undefined], [3, 'column notes holds a NUL character (U+0000)'], [4, undefined]])
  })
})

describe('the header', () => {
  it('naming a column twice refuses the file before anything is written', async () => {
    const app = await buildTestApp()
    const before = counts(app.storage.sqlite)
    const path = write(`${HEADER},Fatalities\n${row('DUP1')},999\n${row('DUP2')},999\n`)
    const err = await importFile(app.storage.sqlite, { format: 'acled', path }).catch((e) => e)
    expect(err).toBeInstanceOf(ImportFileError)
    expect(err.message).toBe(`${path}: the header names the column fatalities twice (columns 16 and 17); remove or rename one`)
    expect(counts(app.storage.sqlite)).toEqual(before)
  })
})
