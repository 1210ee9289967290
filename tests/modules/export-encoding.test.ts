import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { countRows, linePages, PAGE_ROWS, SQL_JSON } from '../../src/modules/export/lines.ts'
import { EXPORT_RESOURCES, exportQuery, RECORD_TYPE, type ExportFilters } from '../../src/modules/export/plan.ts'
import { buildTestApp, tempDir } from '../helper.ts'

/**
 * The documents as JSON.stringify writes them from one JS object per row: SQLite now writes most
 * of an export itself, and the bytes must stay these.
 */
function reference(path: string, format: 'ndjson' | 'json', filters: ExportFilters, metaText: string): string {
  const db = new Database(path, { readonly: true })
  try {
    let out = metaText
    for (const r of EXPORT_RESOURCES) {
      const q = exportQuery(r, filters)
      const rows = db.prepare(q.sql).all(...q.params) as Record<string, unknown>[]
      for (const row of rows) for (const c of q.jsonColumns) row[c] = JSON.parse(row[c] as string)
      if (format === 'ndjson') for (const row of rows) out += `{"type":"${RECORD_TYPE[r]}","data":${JSON.stringify(row)}}\n`
      else out += `,\n"${r}":[${rows.map((row, i) => (i ? ',\n' : '\n') + JSON.stringify(row)).join('')}]`
    }
    return format === 'json' ? `${out}}\n` : out
  } finally {
    db.close()
  }
}

const HOSTILE = 'quote " backslash \\ nl \n cr \r tab \t bell \u0007 nul-ish \u0001 \u001f del \u007f ls \u2028 ps \u2029 é ü 中文 😀 \'single\' </script>'

describe('export encoding', () => {
  it('writes the same bytes as JSON.stringify of each row, across pages, slices and odd text', async () => {
    const path = join(tempDir(), 'enc.db')
    const app = await buildTestApp({ databasePath: path })
    synthesise(app.storage.sqlite, { events: 2500 })
    const db = app.storage.sqlite
    db.prepare('UPDATE events SET title = ?, summary = ? WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 3)').run(HOSTILE, `${HOSTILE}\u0000end`)
    db.prepare('UPDATE sources SET note = ? WHERE id = (SELECT min(id) FROM sources)').run(HOSTILE)
    db.prepare('UPDATE citations SET quote = ?, paragraph = NULL WHERE id IN (SELECT id FROM citations ORDER BY id LIMIT 5)').run(HOSTILE)
    db.prepare('UPDATE casualty_reports SET low = 9007199254740991, high = -1, best = 0 WHERE id = (SELECT min(id) FROM casualty_reports)').run()
    db.prepare('UPDATE places SET latitude = 40.0, longitude = 0.000001 WHERE id = (SELECT min(id) FROM places)').run()
    db.prepare('UPDATE actors SET aliases = ? WHERE id = (SELECT min(id) FROM actors)').run(JSON.stringify([HOSTILE, 'b']))
    expect((db.prepare('SELECT count(*) AS n FROM event_actors').get() as { n: number }).n).toBeGreaterThan(3 * PAGE_ROWS)

    const cases: ['ndjson' | 'json', string][] = [['ndjson', ''], ['json', ''], ['ndjson', '&type=offensive,displacement'],
      ['json', '&from=2023-09-20'], ['ndjson', '&updatedSince=2000-01-01'], ['ndjson', '&resource=citations']]
    for (const [format, filter] of cases) {
      const query = `format=${format}${filter}`
      const res = await app.inject({ method: 'GET', url: `/v1/export?${query}` })
      expect(res.statusCode, query).toBe(200)
      const body = res.body
      const metaEnd = format === 'ndjson' ? body.indexOf('\n') + 1 : body.indexOf(',\n"sources":[')
      const m = format === 'ndjson' ? JSON.parse(body.slice(0, metaEnd)) : JSON.parse(`${body.slice(0, metaEnd)}}`).meta
      const filters = m.filters as ExportFilters
      expect(m.counts.events ?? 1, query).toBeGreaterThan(0)
      if (m.resources.length === EXPORT_RESOURCES.length) {
        expect(body, query).toBe(reference(path, format, filters, body.slice(0, metaEnd)))
      } else {
        const citations = reference(path, 'ndjson', filters, '').split('\n').filter((l) => l.startsWith('{"type":"citation"'))
        expect(body.slice(metaEnd), query).toBe(citations.map((l) => `${l}\n`).join(''))
      }
      // Each count in the meta is the number of records that follow it.
      const doc = format === 'json' ? JSON.parse(body) : undefined
      for (const r of m.resources as (typeof EXPORT_RESOURCES)[number][]) {
        const n = doc ? doc[r].length : body.split('\n').filter((l) => l.startsWith(`{"type":"${RECORD_TYPE[r]}",`)).length
        expect(n, `${query} ${r}`).toBe(m.counts[r])
      }
    }
  })

  it('counts a whole table in steps to the same total as count(*)', async () => {
    const app = await buildTestApp({ databasePath: join(tempDir(), 'count.db') })
    synthesise(app.storage.sqlite, { events: 300 })
    const sqlite = app.storage.sqlite
    let turns = 0
    for (const r of EXPORT_RESOURCES) {
      const exact = (sqlite.prepare(`SELECT count(*) AS n FROM (${exportQuery(r, {}).sql})`).get() as { n: number }).n
      for (const step of [1, 7, exact, exact + 1]) {
        expect(await countRows(sqlite, r, {}, async () => { turns++ }, step), `${r} by ${step}`).toBe(exact)
      }
    }
    expect(turns).toBeGreaterThan(1000)
  })

  it('pages end where the rows do, also when a table fills its last page exactly', async () => {
    const app = await buildTestApp({ databasePath: join(tempDir(), 'pages.db') })
    synthesise(app.storage.sqlite, { events: 1200 })
    const sqlite = app.storage.sqlite
    sqlite.prepare(`DELETE FROM event_actors WHERE rowid NOT IN (SELECT rowid FROM event_actors ORDER BY rowid LIMIT ${3 * PAGE_ROWS})`).run()
    for (const r of SQL_JSON) {
      const whole = [...linePages(sqlite, r, {}, false, '<', '>\n')]
      const atOnce = [...linePages(sqlite, r, {}, true, '<', '>\n')]
      expect(whole.map((p) => p.text).join(''), r).toBe(atOnce.map((p) => p.text).join(''))
      const n = (sqlite.prepare(`SELECT count(*) AS n FROM (${exportQuery(r, {}).sql})`).get() as { n: number }).n
      expect(whole.reduce((a, p) => a + p.rows, 0), r).toBe(n)
      expect(whole.every((p) => p.rows <= PAGE_ROWS), r).toBe(true)
    }
    expect([...linePages(sqlite, 'eventActors', {}, false, '', '\n')].map((p) => p.rows)).toEqual([PAGE_ROWS, PAGE_ROWS, PAGE_ROWS])
  })
})
