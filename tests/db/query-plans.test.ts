import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { jsonPageSql, listSql } from '../../src/db/keyset.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { synthesise } from '../../src/db/synth.ts'
import { EVENT_SORTS, eventJsonSpec, eventListSpec, eventWhere, listEventsJson, probesInOrder, type EventFilters } from '../../src/modules/events/queries.ts'

const FILTERS: Record<string, EventFilters> = {
  'date range': { from: '2021-01-01', to: '2021-06-30' },
  'type': { type: ['offensive'] },
  'types': { type: ['offensive', 'ceasefire'] },
  'place': { place: 'synth-place-000001' },
  'actor': { actor: 'synth-actor-000001' },
  'actor and role': { actor: 'synth-actor-000001', role: 'initiator' },
  'text': { q: 'convoy' },
  'updatedSince': { updatedSince: '2020-01-01' },
  'date range and actor': { from: '2021-01-01', to: '2021-06-30', actor: 'synth-actor-000001' },
}

describe('query plans on the synthetic dataset', () => {
  const storage = openDatabase(':memory:')
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  synthesise(storage.sqlite, { events: 5000 })
  const plan = (f: EventFilters, sort: (typeof EVENT_SORTS)[number]) => {
    const { sql, params } = listSql(eventListSpec(f, sort, 50))
    return (storage.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail)
  }

  it.each(Object.entries(FILTERS))('a filter on %s never scans the events table', (_name, filter) => {
    for (const sort of EVENT_SORTS) {
      const steps = plan(filter, sort)
      // Every access to events is a SEARCH through an index, never a SCAN of the table or of
      // an index over all of it.
      const eventSteps = steps.filter((s) => /\b(SCAN|SEARCH) e\b/.test(s))
      expect(eventSteps.length, steps.join(' | ')).toBeGreaterThan(0)
      for (const s of eventSteps) expect(s, `${sort}: ${steps.join(' | ')}`).toMatch(/^SEARCH e USING (COVERING )?INDEX/)
    }
  })

  it('words probed event by event are checked in the list\'s order, never before a sort', () => {
    const probe = '("record" OR "records")'
    let probed = 0
    for (const f of [...Object.values(FILTERS), {}, { from: '2022-03' }].map((f) => ({ ...f, q: 'record' }))) {
      for (const sort of EVENT_SORTS) {
        if (!probesInOrder(f, sort)) continue
        probed++
        const { sql, params } = listSql(eventListSpec(f, sort, 50, undefined, probe))
        const steps = (storage.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
        expect(steps, `${sort} ${JSON.stringify(f)}`).toMatch(/VIRTUAL TABLE INDEX 0:=M/)
        expect(steps, `${sort} ${JSON.stringify(f)}`).not.toContain('TEMP B-TREE')
      }
    }
    // A word alone (twice: the text filter and none) in every sort, a date range and an open one by date.
    expect(probed).toBe(4 + 4 + 2 + 2)
  })

  it('the unfiltered list walks an index in sort order, with no sort step', () => {
    for (const sort of EVENT_SORTS) {
      const steps = plan({}, sort)
      expect(steps.join(' | ')).toMatch(/SCAN e USING INDEX events_(start|updated)_idx/)
      expect(steps.join(' | ')).not.toContain('TEMP B-TREE')
    }
  })

  it('JSON pages by date, alone or over a date range, are read from the brief index without reading the events table', () => {
    const root = (name: string) => (storage.sqlite.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as { rootpage: number }).rootpage
    /** The b-trees whose columns the page's bytecode reads (a table cursor may be opened and never read). */
    const read = (f: EventFilters, sort: (typeof EVENT_SORTS)[number], cursor?: string) => {
      const { spec, json } = eventJsonSpec(f, sort, 50, cursor)
      const { sql, params } = jsonPageSql(spec, json)
      const ops = storage.sqlite.prepare(`EXPLAIN ${sql}`).all(...params) as { opcode: string, p1: number, p2: number }[]
      const trees = new Map(ops.filter((o) => o.opcode === 'OpenRead').map((o) => [o.p1, o.p2]))
      return [...new Set(ops.filter((o) => o.opcode === 'Column' || o.opcode === 'Rowid').map((o) => trees.get(o.p1)))]
    }
    const page2 = listEventsJson(storage.sqlite, {}, 'date', 50).nextCursor!
    for (const sort of ['date', '-date'] as const) {
      for (const f of [{}, FILTERS['date range']!, { from: '2022-03' }]) expect(read(f, sort), sort).toEqual([root('events_start_brief_idx')])
    }
    expect(read({}, 'date', page2)).toEqual([root('events_start_brief_idx')])
    // Other filters and sorts read the rows themselves.
    expect(read(FILTERS.type!, 'date')).toContain(root('events'))
    expect(read({}, 'updated')).toContain(root('events'))
  })

  it('only the queries that name it read the wide brief index: counts and key walks over dates read the narrow one', () => {
    const planOf = (sql: string, params: unknown[]) => (storage.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ')
    const range = eventWhere(FILTERS['date range']!)
    const cases: [string, unknown[]][] = [
      [`SELECT count(*) FROM events e WHERE ${range.where.join(' AND ')}`, range.params],
      // What the export's count and key steps run over the events' order.
      ['SELECT count(*) FROM events WHERE (start_utc, id) > (?, ?)', ['2021-01-01', 'x']],
      ['SELECT start_utc, id FROM events WHERE (start_utc, id) > (?, ?) ORDER BY start_utc, id LIMIT 1 OFFSET 999', ['2021-01-01', 'x']],
    ]
    for (const [sql, params] of cases) expect(planOf(sql, params), sql).toMatch(/COVERING INDEX events_start_idx/)
    for (const f of Object.values(FILTERS)) for (const sort of EVENT_SORTS) expect(plan(f, sort).join(' | ')).not.toContain('events_start_brief_idx')
  })

  it('lists in update order check their types and dates in the update index, and read the rows of those they keep only', () => {
    const root = storage.sqlite.prepare(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'events'`).pluck().get() as number
    const cid = (name: string) => storage.sqlite.prepare(`SELECT cid FROM pragma_table_info('events') WHERE name = ?`).pluck().get(name) as number
    const checked = new Set([cid('type'), cid('start_utc')])
    const f: EventFilters = { type: ['offensive', 'ceasefire'], from: '2021-01-01', to: '2021-12-31' }
    for (const sort of ['updated', '-updated'] as const) {
      for (const inOrder of [true, 'updates'] as const) {
        const { spec, json } = eventJsonSpec(f, sort, 50, undefined, undefined, inOrder)
        const { sql, params } = jsonPageSql(spec, json)
        const ops = storage.sqlite.prepare(`EXPLAIN ${sql}`).all(...params) as { opcode: string, p1: number, p2: number }[]
        const table = ops.find((o) => o.opcode === 'OpenRead' && o.p2 === root)?.p1
        expect(ops.map((o) => o.opcode), sql).toContain('DeferredSeek')
        // A column of the events table read through its cursor, not the index's, means a row read per event examined.
        const fromRows = ops.filter((o) => o.opcode === 'Column' && o.p1 === table && checked.has(o.p2))
        expect(fromRows, `${sort} ${String(inOrder)}: ${sql}`).toEqual([])
      }
    }
  })
})
