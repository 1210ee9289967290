import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../helper.ts'
import { listPage, listSql, type ListSpec } from '../../src/db/keyset.ts'
import { casualtyListSpec } from '../../src/modules/casualties/queries.ts'
import { bookkeeping } from '../../src/modules/curation/queries.ts'
import { RESOURCES } from '../../src/modules/curation/resources.ts'
import { displacementListSpec } from '../../src/modules/displacement/queries.ts'

const REPORT_TABLES = ['casualty_reports', 'displacement_counts']
const REF_INDEXES = ['casualty_reported_by_idx', 'casualty_victim_actor_idx', 'casualty_perpetrator_actor_idx',
  'displacement_reported_by_idx', 'displacement_relayed_by_idx', 'displacement_origin_idx', 'displacement_destination_idx']

describe('reaching the figures of an actor or a place', () => {
  const storage = seededMemoryDatabase(3000)
  const db = storage.sqlite
  const actor = 'synth-actor-000001', place = 'synth-place-000001'
  // Synthetic counts name no relay: two of the place's counts are relayed by the actor.
  db.prepare(`UPDATE displacement_counts SET relayed_by_id = @actor WHERE rowid IN (SELECT rowid FROM displacement_counts WHERE origin_place_id = @place OR destination_place_id = @place LIMIT 2)`).run({ actor, place })

  const trees = (key: 'name' | 'tbl_name' = 'name') => new Map((db.prepare(`SELECT rootpage, ${key} AS name FROM sqlite_master WHERE rootpage > 0`).all() as { rootpage: number, name: string }[]).map((r) => [r.rootpage, r.name]))
  /**
   * The tables a statement reads from end to end, through the table or one of its indexes
   * (`Rewind`/`Last` on the cursor), triggers and foreign-key checks included: EXPLAIN lists the
   * bytecode of both. A search seeks instead. Cursors are mapped in listing order, as a trigger's
   * program reuses their numbers.
   */
  const scanned = (sql: string) => {
    const names = trees('tbl_name')
    const cursor = new Map<number, string | undefined>()
    const walked = new Set<string>()
    for (const op of db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string, p1: number, p2: number }[]) {
      if (op.opcode.startsWith('Open') || op.opcode === 'SorterOpen') cursor.set(op.p1, op.opcode === 'OpenRead' || op.opcode === 'OpenWrite' ? names.get(op.p2) : undefined)
      if (op.opcode === 'Rewind' || op.opcode === 'Last') {
        const name = cursor.get(op.p1)
        if (name) walked.add(name)
      }
    }
    return [...walked].sort()
  }
  /** Runs `check` with the reference indexes dropped, then puts them back: the check must notice. */
  const withoutIndexes = (check: () => void) => {
    db.exec('SAVEPOINT no_indexes')
    try {
      for (const name of REF_INDEXES) db.exec(`DROP INDEX ${name}`)
      check()
    } finally {
      db.exec('ROLLBACK TO no_indexes')
      db.exec('RELEASE no_indexes')
    }
  }
  const planOf = (sql: string, params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail)

  it('every foreign key column leads an index', () => {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[]
    const unindexed: string[] = []
    let keys = 0
    for (const t of tables) {
      const leading = new Set((db.prepare(`SELECT name FROM pragma_index_list(?)`).pluck().all(t) as string[])
        .map((i) => (db.prepare('SELECT name FROM pragma_index_info(?) WHERE seqno = 0').pluck().get(i) as string)))
      for (const fk of db.prepare('SELECT "from" FROM pragma_foreign_key_list(?)').pluck().all(t) as string[]) {
        keys++
        if (!leading.has(fk)) unindexed.push(`${t}.${fk}`)
      }
    }
    expect(keys).toBeGreaterThanOrEqual(19)
    expect(unindexed).toEqual([])
  })

  it('renaming an actor or a place finds the documents to refresh through indexes, not by reading the report tables', () => {
    const renames = [`UPDATE actors SET name = 'A' WHERE id = 'a'`, `UPDATE places SET name = 'P' WHERE id = 'p'`, `UPDATE sources SET title = 'S' WHERE id = 's'`]
    for (const sql of renames) expect(scanned(sql), sql).toEqual([])
    withoutIndexes(() => {
      expect(scanned(renames[0]!)).toEqual(REPORT_TABLES)
      expect(scanned(renames[1]!)).toEqual(['displacement_counts'])
    })
  })

  it('deleting an actor, a place or a source: SQLite\'s foreign-key checks search the new partial indexes', () => {
    for (const t of ['actors', 'places', 'sources']) expect(scanned(`DELETE FROM ${t} WHERE id = 'x'`), t).toEqual([])
    const names = trees()
    const opened = (sql: string) => (db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string, p2: number }[]).filter((o) => o.opcode === 'OpenRead').map((o) => names.get(o.p2))
    expect(opened(`DELETE FROM actors WHERE id = 'x'`)).toEqual(expect.arrayContaining(REF_INDEXES.filter((i) => !/origin|destination/.test(i))))
    expect(opened(`DELETE FROM places WHERE id = 'x'`)).toEqual(expect.arrayContaining(['displacement_origin_idx', 'displacement_destination_idx']))
    withoutIndexes(() => expect(scanned(`DELETE FROM actors WHERE id = 'x'`)).toEqual(REPORT_TABLES))
  })

  it('the checks for records still in use search an index for each reference', () => {
    let checks = 0
    for (const spec of RESOURCES) {
      for (const d of spec.dependents) {
        checks++
        const steps = planOf(d.sql, [{ id: 'x' }])
        expect(steps.filter((s) => s.startsWith('SCAN')), `${spec.label} ← ${d.label}: ${steps.join(' | ')}`).toEqual([])
      }
    }
    expect(checks).toBeGreaterThanOrEqual(12)
    const actorReports = RESOURCES.find((r) => r.table === 'actors')!.dependents.find((d) => d.label === 'casualty report')!.sql
    expect(planOf(actorReports, [{ id: 'x' }]).join(' | ')).toMatch(/MULTI-INDEX OR.*casualty_reported_by_idx.*casualty_victim_actor_idx.*casualty_perpetrator_actor_idx/)
  })

  const lists: [string, (cursor?: string) => ListSpec][] = [
    ['casualties by actor', (c) => casualtyListSpec({ actor }, 5, c)],
    ['casualties by actor and outcome', (c) => casualtyListSpec({ actor, outcome: 'killed' }, 2, c)],
    ['casualties by actor and victim group', (c) => casualtyListSpec({ actor, victimGroup: 'civilians' }, 2, c)],
    ['casualties by actor and dates', (c) => casualtyListSpec({ actor, from: '2021-01-01', to: '2022-12-31' }, 2, c)],
    ['casualties by actor, updated since', (c) => casualtyListSpec({ actor, updatedSince: '2020-01-01' }, 2, c)],
    ['displacement by place', (c) => displacementListSpec({ place }, 2, c)],
    ['displacement by place and metric', (c) => displacementListSpec({ place, metric: 'displaced' }, 2, c)],
    ['displacement by place and dates', (c) => displacementListSpec({ place, from: '2021-01-01' }, 2, c)],
    ['displacement by actor and metric', (c) => displacementListSpec({ actor, metric: 'displaced' }, 1, c)],
    ['displacement by place and actor', (c) => displacementListSpec({ place, actor }, 1, c)],
  ]

  it.each(lists)('%s: pages and counts look the figures up through the reference indexes, never reading the table through', (_name, spec) => {
    const next = listPage(db, spec()).nextCursor
    expect(next, 'the dataset gives a second page').not.toBeNull()
    for (const s of [spec(), spec(next!)]) {
      const { sql, params } = listSql(s)
      const steps = planOf(sql, params)
      expect(steps.join(' | ')).toMatch(/^MULTI-INDEX OR/)
      expect(steps.filter((st) => /^SCAN [cd]\b/.test(st)), steps.join(' | ')).toEqual([])
      const count = s.count ?? s
      const countSteps = planOf(`SELECT count(*) FROM ${count.from} WHERE ${count.where.join(' AND ')}`, count.params)
      expect(countSteps.filter((st) => /^SCAN [cd]\b/.test(st)), countSteps.join(' | ')).toEqual([])
    }
  })

  it('whether a record was deleted, and dropping its deletion on restore, search the deletions by record', () => {
    const { tombstone, dropTombstone } = bookkeeping(db)
    // The drizzle statements' SQL, their placeholders written as literals (any text plans alike).
    const literal = (q: { sql: string, params: unknown[] }) => {
      let i = 0
      return q.sql.replace(/\?/g, () => { const v = q.params[i++]; return typeof v === 'number' ? String(v) : "'x'" })
    }
    const sqls = [tombstone.getQuery(), dropTombstone.getQuery()].map(literal)
    for (const sql of sqls) {
      expect(scanned(sql), sql).not.toContain('deletions')
      expect(planOf(sql, []).join(' | '), sql).toMatch(/deletions_record_idx/)
    }
    // Without the index, the same statements read every deletion.
    db.exec('SAVEPOINT no_record_idx')
    try {
      db.exec('DROP INDEX deletions_record_idx')
      for (const sql of sqls) expect(scanned(sql), sql).toContain('deletions')
    } finally {
      db.exec('ROLLBACK TO no_record_idx')
      db.exec('RELEASE no_record_idx')
    }
  })
})
