import { beforeEach, describe, expect, it } from 'vitest'
import type { App } from '../../../src/app.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { buildTestApp } from '../../helper.ts'
import { expectFull, writers } from './documents-support.ts'

// Every kind of REST write, each followed by a full audit of the stored event documents: each
// equals the one composed now, and all are stored again (the write engine refills before commit).
// Each write is also checked to have changed a stored document, so the audit is not idle.

let app: App
let w: ReturnType<typeof writers>
const sql = () => app.storage.sqlite
const doc = (id: string) => sql().prepare('SELECT body FROM event_documents WHERE event_id = ?').pluck().get(id) as string | undefined
const one = <T>(q: string, ...args: unknown[]) => sql().prepare(q).get(...args) as T

/** Runs a write and checks that it changed the stored documents of `events`, and nothing is wrong. */
async function changes(events: string[], write: () => Promise<unknown>) {
  const before = events.map(doc)
  expect(before.every((b) => b !== undefined)).toBe(true)
  await write()
  expectFull(sql())
  events.forEach((id, i) => expect(doc(id), id).not.toBe(before[i]))
}

beforeEach(async () => {
  app = await buildTestApp()
  synthesise(sql(), { events: 300 })
  w = writers(app)
  expect(expectFull(sql()).stored).toBeGreaterThan(300)
})

describe('stored event documents after REST writes', () => {
  it('events: create, update, move a date that reorders a statement, delete', async () => {
    const cite = [{ sourceId: 'ft-2023-09-24', paragraph: 3, quote: 'q' }]
    await w.post('/v1/events', { id: 'doc-test', title: 'T', summary: 'S', type: 'attack', start: '2023-09-20', datePrecision: 'day', dateBasis: 'stated', placeId: 'baku', actors: [{ actorId: 'armenia', role: 'target' }], citations: cite })
    expect(doc('doc-test')).toContain('"title":"T"')
    await changes(['doc-test'], () => w.patch('/v1/events/doc-test', { title: 'T2', actors: [{ actorId: 'azerbaijan', role: 'initiator' }] }))
    const { statement_id: st, event_id: a } = one<{ statement_id: string, event_id: string }>(`SELECT statement_id, event_id FROM statement_events WHERE statement_id IN (SELECT statement_id FROM statement_events GROUP BY 1 HAVING count(*) > 1) LIMIT 1`)
    const others = sql().prepare('SELECT event_id FROM statement_events WHERE statement_id = ? AND event_id <> ?').pluck().all(st, a) as string[]
    // The other events of the statement list the moved one in a new place.
    await changes([a, ...others], () => w.patch(`/v1/events/${a}`, { start: '1990-01' }))
    expect(JSON.parse(doc(others[0]!)!).statements.find((s: { id: string }) => s.id === st).eventIds[0]).toBe(a)
    const stored = expectFull(sql()).stored
    await w.remove('/v1/events/doc-test')
    expect(expectFull(sql()).stored).toBe(stored - 1)
  })

  it('actors: a rename reaches linked events, reports, displacement counts and statements; kind reaches links only', async () => {
    const linked = one<{ event_id: string }>(`SELECT event_id FROM event_actors WHERE actor_id = 'armenia'`).event_id
    const reporter = one<{ reported_by_id: string, event_id: string }>(`SELECT reported_by_id, event_id FROM casualty_reports WHERE reported_by_id IS NOT NULL AND reported_by_id NOT IN (SELECT actor_id FROM event_actors WHERE event_id = casualty_reports.event_id) LIMIT 1`)
    await changes([reporter.event_id], () => w.patch(`/v1/actors/${reporter.reported_by_id}`, { name: 'Renamed reporter' }))
    const d = one<{ reported_by_id: string, event_id: string }>(`SELECT reported_by_id, event_id FROM displacement_counts WHERE reported_by_id IS NOT NULL AND event_id IS NOT NULL AND reported_by_id <> ? LIMIT 1`, reporter.reported_by_id)
    await changes([d.event_id], () => w.patch(`/v1/actors/${d.reported_by_id}`, { name: 'Renamed relay' }))
    const sp = one<{ speaker_id: string, event_id: string }>(`SELECT st.speaker_id, se.event_id FROM statements st JOIN statement_events se ON se.statement_id = st.id WHERE st.speaker_id NOT IN (SELECT actor_id FROM event_actors WHERE event_id = se.event_id) LIMIT 1`)
    await changes([sp.event_id], () => w.patch(`/v1/actors/${sp.speaker_id}`, { name: 'Renamed speaker' }))
    await changes([linked], () => w.patch('/v1/actors/armenia', { kind: 'armed_group' }))
    await w.post('/v1/actors', { id: 'doc-actor', name: 'A', kind: 'person' })
    await w.remove('/v1/actors/doc-actor')
    expectFull(sql())
  })

  it('places: coordinates reach their events; a rename reaches displacement origins and destinations', async () => {
    const at = one<{ id: string, place_id: string }>(`SELECT id, place_id FROM events WHERE place_id IS NOT NULL LIMIT 1`)
    await changes([at.id], () => w.patch(`/v1/places/${at.place_id}`, { latitude: 1.5, longitude: 2.5 }))
    const d = one<{ event_id: string, destination_place_id: string }>(`SELECT event_id, destination_place_id FROM displacement_counts d WHERE event_id IS NOT NULL AND destination_place_id IS NOT NULL
      AND destination_place_id IS NOT (SELECT place_id FROM events WHERE id = d.event_id) LIMIT 1`)
    await changes([d.event_id], () => w.patch(`/v1/places/${d.destination_place_id}`, { name: 'Renamed destination' }))
    await w.post('/v1/places', { id: 'doc-place', name: 'P', kind: 'city' })
    await w.remove('/v1/places/doc-place')
    expectFull(sql())
  })

  it('sources: a rename reaches every event citing it, directly or through a report or statement', async () => {
    const through = (type: string, join: string) => sql().prepare(`SELECT DISTINCT ${join} FROM citations c WHERE c.source_id = 'ft-2023-09-24' AND c.record_type = '${type}' LIMIT 2`).pluck().all() as string[]
    const events = [...through('event', 'c.record_id'), ...through('casualty_report', '(SELECT event_id FROM casualty_reports WHERE id = c.record_id)'),
      ...through('statement', '(SELECT event_id FROM statement_events WHERE statement_id = c.record_id)')]
    expect(events.length).toBeGreaterThanOrEqual(3)
    await changes(events, () => w.patch('/v1/sources/ft-2023-09-24', { publisher: 'Renamed Times' }))
    await w.post('/v1/sources', { id: 'doc-source', publisher: 'P', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' })
    await w.remove('/v1/sources/doc-source')
    expectFull(sql())
  })

  it('citations of events, casualty reports, displacement counts and statements', async () => {
    const cite = [{ sourceId: 'bbc-2023-09-20', paragraph: 9, quote: 'new quote' }]
    await changes(['agreement-2020'], () => w.patch('/v1/events/agreement-2020', { citations: cite }))
    const cr = one<{ id: string, event_id: string }>(`SELECT id, event_id FROM casualty_reports LIMIT 1`)
    await changes([cr.event_id], () => w.patch(`/v1/casualty-reports/${cr.id}`, { citations: cite }))
    const dc = one<{ id: string, event_id: string }>(`SELECT id, event_id FROM displacement_counts WHERE event_id IS NOT NULL LIMIT 1`)
    await changes([dc.event_id], () => w.patch(`/v1/displacement-counts/${dc.id}`, { citations: cite }))
    const st = one<{ statement_id: string }>(`SELECT statement_id FROM statement_events LIMIT 1`).statement_id
    const linked = sql().prepare('SELECT event_id FROM statement_events WHERE statement_id = ?').pluck().all(st) as string[]
    await changes(linked, () => w.patch(`/v1/statements/${st}`, { citations: cite }))
  })

  it('casualty reports and displacement counts: create, update (moving to another event), delete', async () => {
    const [e1, e2] = sql().prepare(`SELECT id FROM events ORDER BY id LIMIT 2`).pluck().all() as string[]
    await changes([e1!], () => w.post('/v1/casualty-reports', { id: 'doc-cr', eventId: e1, outcome: 'killed', victimGroup: 'civilians', best: 3, qualifier: 'exact', reportedPhrase: 'three', reportedById: 'armenia', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }] }))
    await changes([e1!, e2!], () => w.patch('/v1/casualty-reports/doc-cr', { eventId: e2 }))
    await changes([e2!], () => w.remove('/v1/casualty-reports/doc-cr'))
    await changes([e1!], () => w.post('/v1/displacement-counts', { id: 'doc-dc', eventId: e1, metric: 'displaced', best: 10, qualifier: 'exact', reportedPhrase: 'ten', asOf: '2023-09-25', asOfPrecision: 'day', asOfBasis: 'stated', originPlaceId: 'baku', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 10 }] }))
    await changes([e1!, e2!], () => w.patch('/v1/displacement-counts/doc-dc', { eventId: e2, best: 11 }))
    await changes([e2!], () => w.remove('/v1/displacement-counts/doc-dc'))
  })

  it('statements and their event links: create, relink, update, delete (links go by cascade)', async () => {
    const [e1, e2, e3] = sql().prepare(`SELECT id FROM events ORDER BY id LIMIT 3`).pluck().all() as string[]
    await changes([e1!, e2!], () => w.post('/v1/statements', { id: 'doc-st', speakerId: 'armenia', saidAt: '2023-09-21', datePrecision: 'day', dateBasis: 'stated', medium: 'speech', summary: 'S', eventIds: [e1, e2], citations: [{ sourceId: 'ft-2023-09-24', paragraph: 9 }] }))
    await changes([e1!, e2!, e3!], () => w.patch('/v1/statements/doc-st', { eventIds: [e2, e3] }))
    await changes([e2!, e3!], () => w.patch('/v1/statements/doc-st', { quote: 'Q' }))
    await changes([e2!, e3!], () => w.remove('/v1/statements/doc-st'))
    expect(doc(e2!)).not.toContain('doc-st')
  })
})
