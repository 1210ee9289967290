import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../../src/db/synth.ts'
import { composeRelationBrief, relationBriefs } from '../../../src/modules/events/relation-briefs.ts'
import { fillEventDocuments } from '../../../src/modules/events/stored.ts'
import { buildTestApp, gql, versionReadAgain } from '../../helper.ts'
import type { App } from '../../../src/app.ts'

// The benchmarked selection, and one asking an actor's kind and a figure's every brief field.
const BRIEF = `query ($from: PartialDate, $first: Int) { events(first: $first, filter: { from: $from }) { nodes {
  id title start place { name latitude longitude } actors { role actor { name } }
  casualtyReports { nodes { low high best qualifier reportedPhrase } }
} } }`
const LINKED = `query ($from: PartialDate, $first: Int) { events(first: $first, filter: { from: $from }) { nodes {
  recordId place { id recordId name latitude longitude } actors { role actor { id recordId name kind } }
  casualtyReports(first: 2) { nodes { recordId outcome victimGroup low high best qualifier reportedPhrase updatedAt }
    pageInfo { hasNextPage endCursor } edges { cursor } }
} } }`

/** Every stored brief has its document and equals the brief composed now; how many are stored. */
function auditBriefs(sqlite: Database.Database): number {
  const rows = sqlite.prepare('SELECT event_id AS id, body FROM event_relation_briefs').all() as { id: string, body: string }[]
  const orphans = sqlite.prepare(`SELECT count(*) FROM event_relation_briefs b WHERE NOT EXISTS (SELECT 1 FROM event_documents d WHERE d.event_id = b.event_id)
    OR NOT EXISTS (SELECT 1 FROM events e WHERE e.id = b.event_id AND e.start_utc = b.start_utc)`).pluck().get()
  expect(orphans, 'briefs without their document or under another date than their event\'s').toBe(0)
  expect(rows.filter((r) => r.body !== composeRelationBrief(sqlite, r.id)).map((r) => r.id), 'stale briefs').toEqual([])
  return rows.length
}

/** The answers read from the stored briefs and from the tables (briefs deleted), which must be equal. */
async function bothWays(app: App, query: string, variables: Record<string, unknown>) {
  const sqlite = app.storage.sqlite
  fillEventDocuments(sqlite)
  await versionReadAgain()
  const before = app.storage.statements.count
  const stored = await gql(app, query, variables)
  const statements = app.storage.statements.count - before
  const saved = sqlite.prepare('SELECT start_utc, event_id, body FROM event_relation_briefs').all() as { start_utc: string, event_id: string, body: string }[]
  sqlite.exec('DELETE FROM event_relation_briefs')
  const tables = await gql(app, query, variables)
  const put = sqlite.prepare('INSERT INTO event_relation_briefs (start_utc, event_id, body) VALUES (?, ?, ?)')
  sqlite.transaction(() => { for (const r of saved) put.run(r.start_utc, r.event_id, r.body) })()
  expect(stored.body.errors, JSON.stringify(stored.body.errors)).toBeUndefined()
  expect(tables.body.errors, JSON.stringify(tables.body.errors)).toBeUndefined()
  expect(JSON.stringify(stored.body)).toBe(JSON.stringify(tables.body))
  return { nodes: stored.body.data.events.nodes as any[], statements }
}

describe('relation briefs', () => {
  it('answer byte for byte as the tables do, on the seed and on a synthetic set', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    const sqlite = app.storage.sqlite
    fillEventDocuments(sqlite)
    expect(auditBriefs(sqlite)).toBe(sqlite.prepare('SELECT count(*) FROM events').pluck().get())
    for (const query of [BRIEF, LINKED]) {
      const { nodes, statements } = await bothWays(app, query, { from: '2020', first: 200 })
      expect(nodes.length).toBeGreaterThan(10)
      expect(nodes.some((e) => e.actors.length > 1 && e.casualtyReports.nodes.length > 0)).toBe(true)
      // The page, read with its briefs.
      expect(statements).toBe(1)
    }
    synthesise(sqlite, { events: 2000 })
    expect(auditBriefs(sqlite)).toBe(sqlite.prepare('SELECT count(*) FROM events').pluck().get())
    for (const from of ['2020-01', '2021-06-15', '2022-11', '2023-09-19']) {
      for (const query of [BRIEF, LINKED]) {
        const { nodes } = await bothWays(app, query, { from, first: 100 })
        expect(nodes).toHaveLength(100)
        expect(nodes.filter((e) => e.place).length).toBeGreaterThan(50)
      }
    }
  })

  it('go with their documents on every kind of write, and come back when the documents do', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    const sqlite = app.storage.sqlite
    synthesise(sqlite, { events: 300 })
    const stored = auditBriefs(sqlite)
    const event = sqlite.prepare(`SELECT ea.event_id AS e, ea.actor_id AS a, ev.place_id AS p, ev.start AS s FROM event_actors ea JOIN events ev ON ev.id = ea.event_id
      JOIN casualty_reports c ON c.event_id = ev.id WHERE ev.place_id IS NOT NULL LIMIT 1`).get() as { e: string, a: string, p: string, s: string }
    // A page holding the event written to.
    const ask = async () => (await gql(app, BRIEF, { from: event.s, first: 50 })).body.data.events.nodes as any[]
    const columns = (sqlite.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name).join(', ')
    const writes = [
      `UPDATE actors SET name = 'Renamed actor' WHERE id = '${event.a}'`,
      `UPDATE places SET name = 'Renamed place', latitude = 1.5 WHERE id = '${event.p}'`,
      `UPDATE casualty_reports SET reported_phrase = 'rephrased', low = 7 WHERE event_id = '${event.e}'`,
      `INSERT INTO casualty_reports (id, event_id, outcome, victim_group, low, qualifier, reported_phrase) VALUES ('0-first', '${event.e}', 'injured', 'civilians', 3, 'at_least', 'at least 3')`,
      `DELETE FROM event_actors WHERE event_id = '${event.e}' AND actor_id = '${event.a}'`,
      `INSERT OR REPLACE INTO events (${columns}) SELECT ${columns} FROM events WHERE id = '${event.e}'`,
      // Another event moved to another day: its brief moves with it.
      `UPDATE events SET start = '2020-01-02', start_utc = '2020-01-02T00:00:00.000Z', date_precision = 'day' WHERE id = (SELECT id FROM events WHERE id <> '${event.e}' ORDER BY id LIMIT 1)`,
    ]
    for (const sql of writes) {
      sqlite.exec(sql)
      // Gone with the documents the write deleted, in its own statement: none is left stale.
      expect(auditBriefs(sqlite), sql).toBeLessThan(stored)
      const before = await ask()
      fillEventDocuments(sqlite)
      expect(auditBriefs(sqlite), sql).toBe(stored)
      // The same answer from the tables (a brief missing on the page) and from the briefs.
      expect(await ask(), sql).toEqual(before)
    }
    const nodes = await ask()
    const changed = nodes.find((e) => e.id === `Event:${event.e}`)
    expect(changed.place.name).toBe('Renamed place')
    expect(changed.casualtyReports.nodes[0].reportedPhrase).toBe('at least 3')
    expect(nodes.some((e) => e.actors.some((a: any) => a.actor.name === 'Renamed actor'))).toBe(true)
    // An event deleted takes its document and its brief along.
    const lone = sqlite.prepare(`SELECT id FROM events e WHERE NOT EXISTS (SELECT 1 FROM casualty_reports c WHERE c.event_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM displacement_counts d WHERE d.event_id = e.id) AND NOT EXISTS (SELECT 1 FROM statement_events s WHERE s.event_id = e.id) LIMIT 1`).pluck().get() as string
    sqlite.exec(`DELETE FROM citations WHERE record_type = 'event' AND record_id = '${lone}'; DELETE FROM events WHERE id = '${lone}'`)
    expect(auditBriefs(sqlite)).toBe(stored - 1)
  })

  it('are read in the order asked, or not at all when one is missing', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    const sqlite = app.storage.sqlite
    synthesise(sqlite, { events: 100 })
    const events = sqlite.prepare('SELECT id, start_utc AS startSortKey FROM events ORDER BY random() LIMIT 40').all() as { id: string, startSortKey: string }[]
    const briefs = relationBriefs(sqlite, events)
    expect(briefs).toEqual(events.map((e) => JSON.parse(composeRelationBrief(sqlite, e.id)!)))
    expect(relationBriefs(sqlite, [...events, { id: 'no-such-event', startSortKey: events[0]!.startSortKey }])).toBeNull()
    // Under another date than its event's, a brief is not found.
    expect(relationBriefs(sqlite, [{ id: events[0]!.id, startSortKey: '1999-01-01T00:00:00.000Z' }])).toBeNull()
    expect(relationBriefs(sqlite, [])).toEqual([])
  })
})
