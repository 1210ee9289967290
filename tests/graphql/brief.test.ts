import { describe, expect, it } from 'vitest'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp, gql, versionReadAgain } from '../helper.ts'
import { fillEventDocuments } from '../../src/modules/events/stored.ts'

// The benchmarked query: brief rows everywhere, relations read per page.
const BRIEF = `query ($from: PartialDate, $first: Int) { events(first: $first, filter: { from: $from }) { nodes {
  id title start place { name latitude longitude } actors { role actor { name } }
  casualtyReports { nodes { low high best qualifier reportedPhrase } }
} } }`

// The same fields, plus one per relation that only a whole row holds.
const FULL = `query ($from: PartialDate, $first: Int) { events(first: $first, filter: { from: $from }) { nodes {
  id title start summary place { name latitude longitude aliases } actors { role actor { name aliases } }
  casualtyReports { nodes { low high best qualifier reportedPhrase note } }
} } }`

const strip = (nodes: any[]) => nodes.map((e) => ({
  id: e.id, title: e.title, start: e.start,
  place: e.place && { name: e.place.name, latitude: e.place.latitude, longitude: e.place.longitude },
  actors: e.actors.map((a: any) => ({ role: a.role, actor: { name: a.actor.name } })),
  casualtyReports: { nodes: e.casualtyReports.nodes.map(({ note: _n, ...c }: any) => c) },
}))

describe('GraphQL reads brief rows when a query selects no more', () => {
  it('answers as the whole rows do, in one statement with the stored briefs and four with some or all missing, whatever the page size', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 120)
    // What the background refiller would do within 50 ms, done now so that the counts are known.
    fillEventDocuments(app.storage.sqlite)
    const counts: number[] = []
    for (const stored of ['all', 'some', 'none']) {
      // Without the briefs, the relations are read from their tables (the documents stay); with
      // some, the events that have theirs use them.
      if (stored === 'some') app.storage.sqlite.exec("DELETE FROM event_relation_briefs WHERE event_id IN (SELECT id FROM events WHERE start_utc >= '2024-02' ORDER BY start_utc, id LIMIT 5 OFFSET 3)")
      if (stored === 'none') app.storage.sqlite.exec('DELETE FROM event_relation_briefs')
      for (const run of [1, 2]) { // the second run is graphql-jit's compiled form
        for (const first of [10, 100]) {
          await versionReadAgain()
          const before = app.storage.statements.count
          const brief = await gql(app, BRIEF, { from: '2024-02', first })
          counts.push(app.storage.statements.count - before)
          const full = await gql(app, FULL, { from: '2024-02', first })
          expect(brief.body.errors, JSON.stringify(brief.body.errors)).toBeUndefined()
          expect(full.body.errors, JSON.stringify(full.body.errors)).toBeUndefined()
          expect(brief.body.data.events.nodes).toHaveLength(first)
          expect(brief.body.data.events.nodes[0].casualtyReports.nodes.length).toBeGreaterThan(0)
          expect(brief.body.data.events.nodes).toEqual(strip(full.body.data.events.nodes))
        }
      }
    }
    // The page read with its briefs; then, with any missing, also the casualty reports of the
    // page and the places and actors of the events without briefs.
    expect(counts).toEqual([1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4])
    await app.close()
  })

  it('reads whole rows for fields the brief rows lack, through fragments and directives too', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 30)
    const query = `query ($skip: Boolean!) { events(first: 5, filter: { from: "2024" }) { edges { node {
      ...E place { ... on Place { note @skip(if: $skip) aliases } }
      actors { actor { ...A } }
      casualtyReports(first: 1) { pageInfo { hasNextPage } edges { cursor node { id createdAt reportedBy { name } } } }
    } } } }
    fragment E on Event { summary dateBasis }
    fragment A on Actor { kind aliases description }`
    for (const skip of [true, false, true]) {
      const { body } = await gql(app, query, { skip })
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
      const node = body.data.events.edges[0].node
      expect(node.summary).toMatch(/^Generated for tests/)
      expect(node.dateBasis).toBe('STATED')
      expect(Array.isArray(node.place.aliases)).toBe(true)
      expect('note' in node.place).toBe(!skip)
      expect(node.actors[0].actor.kind).toMatch(/^[A-Z_]+$/)
      expect(Array.isArray(node.actors[0].actor.aliases)).toBe(true)
      expect(node.casualtyReports.edges[0].node.createdAt).toMatch(/^\d{4}-/)
      expect(node.casualtyReports.edges[0].node.reportedBy.name).toBeTruthy()
    }
    await app.close()
  })

  it('gives each row of a page the error of a relation that fails', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 5)
    await gql(app, BRIEF, { from: '2024', first: 3 })
    // Stored briefs would answer without the table: the relations are read from their tables.
    fillEventDocuments(app.storage.sqlite)
    app.storage.sqlite.exec('DELETE FROM event_relation_briefs')
    // A relation's table gone: a nullable relation fails on each row and the page still answers.
    app.storage.sqlite.exec('ALTER TABLE places RENAME TO places_gone')
    try {
      for (let run = 0; run < 2; run++) {
        const { body } = await gql(app, '{ events(first: 3, filter: { from: "2024" }) { nodes { id place { name } } } }')
        expect(body.data.events.nodes.map((e: any) => e.place)).toEqual([null, null, null])
        expect(body.errors?.map((e: any) => e.path.join('.'))).toEqual(['events.nodes.0.place', 'events.nodes.1.place', 'events.nodes.2.place'])
        expect(body.errors?.every((e: any) => e.extensions.code === 'INTERNAL_ERROR')).toBe(true)
      }
    } finally {
      app.storage.sqlite.exec('ALTER TABLE places_gone RENAME TO places')
      await app.close()
    }
  })
})
