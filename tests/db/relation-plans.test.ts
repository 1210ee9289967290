import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { synthesise } from '../../src/db/synth.ts'
import { firstCasualtiesOfEvents } from '../../src/modules/casualties/queries.ts'
import { actorNamesByEvent, listEventsBrief } from '../../src/modules/events/queries.ts'
import { placesBriefByIds } from '../../src/modules/places/queries.ts'
import { relationBriefs } from '../../src/modules/events/relation-briefs.ts'
import { tempDir } from '../helper.ts'

describe('the relations of a page of events', () => {
  it('are read from covering indexes, without the rows of their tables', () => {
    const path = join(tempDir(), 'plans.db')
    const storage = openDatabase(path)
    migrateDatabase(storage.db)
    synthesise(storage.sqlite, { events: 3000 })
    storage.close()
    // A second connection that records each statement with its parameters written in.
    const ran: string[] = []
    const sqlite = new Database(path, { verbose: (sql) => ran.push(String(sql)) })
    const trees = new Map((sqlite.prepare('SELECT rootpage, name FROM sqlite_master WHERE rootpage > 0').all() as { rootpage: number, name: string }[]).map((r) => [r.rootpage, r.name]))
    /** The b-trees whose columns a statement's bytecode reads (a cursor may be opened and never read). */
    const read = (sql: string) => {
      const ops = sqlite.prepare(`EXPLAIN ${sql}`).all() as { opcode: string, p1: number, p2: number }[]
      const cursors = new Map(ops.filter((o) => o.opcode === 'OpenRead').map((o) => [o.p1, trees.get(o.p2)]))
      return [...new Set(ops.filter((o) => o.opcode === 'Column' || o.opcode === 'Rowid').map((o) => cursors.get(o.p1)))].filter(Boolean).sort()
    }
    ran.length = 0
    const events = listEventsBrief(sqlite, { from: '2021-03' }, 'date', 50).rows
    expect(events.length).toBe(50)
    actorNamesByEvent(sqlite, events.map((e) => e.id))
    placesBriefByIds(sqlite, [...new Set(events.map((e) => e.placeId!))])
    firstCasualtiesOfEvents(sqlite, events, 50)
    expect(ran).toHaveLength(4)
    expect(read(ran[0]!)).toEqual(['events_start_brief_idx'])
    expect(read(ran[1]!)).toEqual(['actors_link_idx', 'sqlite_autoindex_event_actors_1'])
    expect(read(ran[2]!)).toEqual(['places_brief_idx'])
    expect(read(ran[3]!)).toEqual(['casualty_event_idx'])
    // Their stored briefs instead: one statement, which reads the briefs' table alone, looked up
    // by date and id (a scan of it would be the whole table) in the order of the page.
    ran.length = 0
    expect(relationBriefs(sqlite, events)).toHaveLength(50)
    expect(ran).toHaveLength(1)
    expect(read(ran[0]!)).toEqual(['event_relation_briefs'])
    const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${ran[0]!}`).all() as { detail: string }[]).map((r) => r.detail)
    expect(plan).toHaveLength(2)
    expect(plan[0]).toMatch(/^SCAN j VIRTUAL TABLE/)
    expect(plan[1]).toBe('SEARCH b USING PRIMARY KEY (start_utc=? AND event_id=?)')
    sqlite.close()
  })
})
