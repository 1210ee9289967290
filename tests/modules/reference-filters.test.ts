import { describe, expect, it } from 'vitest'
import type { App } from '../../src/app.ts'
import { synthesise } from '../../src/db/synth.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, getJson } from '../helper.ts'

type Ref = { id: string, name: string } | null
interface Casualty { id: string, eventId: string, eventStart: string, outcome: string, victimGroup: string, reportedBy: Ref, victimActor: Ref, perpetratorActor: Ref }
interface Displacement { id: string, metric: string, asOf: string, origin: Ref, destination: Ref, reportedBy: Ref, relayedBy: Ref }

/** Every row of a list, page after page; the pages but the last must be full. */
async function walk<T>(app: App, url: string, limit: number): Promise<T[]> {
  const rows: T[] = []
  let next: string | null = null
  do {
    const at: string = `${url}${url.includes('?') ? '&' : '?'}limit=${limit}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`
    const { status, body } = await getJson(app, at)
    expect(status, at).toBe(200)
    next = body.page.nextCursor
    if (next) expect(body.data, at).toHaveLength(limit)
    rows.push(...body.data)
  } while (next)
  return rows
}

/**
 * The seed, synthetic events, and the columns synthetic figures leave empty filled in part: victims
 * and perpetrators, relays, missing destinations, and one actor or place in two columns of a row.
 */
async function setup() {
  const app = await buildTestApp()
  const db = app.storage.sqlite
  synthesise(db, { events: 1200 })
  db.exec(`
    UPDATE casualty_reports SET victim_actor_id = printf('synth-actor-%06d', rowid % 7) WHERE id LIKE 'synth-%' AND rowid % 5 = 0;
    UPDATE casualty_reports SET perpetrator_actor_id = printf('synth-actor-%06d', rowid % 11) WHERE id LIKE 'synth-%' AND rowid % 7 = 0;
    UPDATE casualty_reports SET victim_actor_id = reported_by_id WHERE id LIKE 'synth-%' AND rowid % 13 = 0;
    UPDATE displacement_counts SET relayed_by_id = printf('synth-actor-%06d', rowid % 5) WHERE id LIKE 'synth-%' AND rowid % 3 = 0;
    UPDATE displacement_counts SET destination_place_id = NULL WHERE id LIKE 'synth-%' AND rowid % 4 = 0;
    UPDATE displacement_counts SET destination_place_id = origin_place_id WHERE id LIKE 'synth-%' AND rowid % 9 = 0;
    UPDATE displacement_counts SET relayed_by_id = reported_by_id WHERE id LIKE 'synth-%' AND rowid % 10 = 0;`)
  const eventsOf = new Map<string, Set<string>>()
  for (const { event_id: e, actor_id: a } of db.prepare('SELECT event_id, actor_id FROM event_actors').all() as { event_id: string, actor_id: string }[]) {
    if (!eventsOf.has(a)) eventsOf.set(a, new Set())
    eventsOf.get(a)!.add(e)
  }
  return { app, db, eventsOf }
}

const firstSynthetic = (db: App['storage']['sqlite'], table: string) =>
  db.prepare(`SELECT id, event_id AS eventId FROM ${table} WHERE id LIKE 'synth-%' ORDER BY rowid LIMIT 1`).get() as { id: string, eventId: string }

const ACTORS = ['synth-actor-000000', 'synth-actor-000003', 'synth-actor-000006', 'synth-actor-000010', 'russian-peacekeepers', 'azerbaijani-armed-forces', 'armenian-authorities', 'civilnet']
const PLACES = ['synth-place-000000', 'synth-place-000002', 'synth-place-000005', 'nagorno-karabakh', 'southern-armenia']

describe('lists of figures filtered by actor or place', () => {
  it('give the rows of the unfiltered list that name them, in its order, page by page, and the summary counts them', async () => {
    const { app, eventsOf } = await setup()
    const casualties = await walk<Casualty>(app, '/v1/casualty-reports', 200)
    expect(casualties.length).toBeGreaterThan(400)
    const names = (c: Casualty, a: string) => [c.reportedBy, c.victimActor, c.perpetratorActor].some((r) => r?.id === a) || eventsOf.get(a)?.has(c.eventId)
    let checked = 0
    for (const a of ACTORS) {
      const expected = casualties.filter((c) => names(c, a))
      expect((await walk<Casualty>(app, `/v1/casualty-reports?actor=${a}`, 7)).map((c) => c.id), a).toEqual(expected.map((c) => c.id))
      const killed = expected.filter((c) => c.outcome === 'killed')
      expect((await walk<Casualty>(app, `/v1/casualty-reports?actor=${a}&outcome=killed`, 3)).map((c) => c.id), a).toEqual(killed.map((c) => c.id))
      const in2021 = expected.filter((c) => c.eventStart >= '2021-01-01' && c.eventStart < '2022')
      expect((await walk<Casualty>(app, `/v1/casualty-reports?actor=${a}&from=2021-01-01&to=2021-12-31`, 3)).map((c) => c.id), a).toEqual(in2021.map((c) => c.id))
      const summary = (await getJson(app, `/v1/casualty-reports/summary?actor=${a}`)).body.data as { outcome: string, victimGroup: string, reportCount: number }[]
      const groups = new Map<string, number>()
      for (const c of expected) groups.set(`${c.outcome}/${c.victimGroup}`, (groups.get(`${c.outcome}/${c.victimGroup}`) ?? 0) + 1)
      expect(Object.fromEntries(summary.map((g) => [`${g.outcome}/${g.victimGroup}`, g.reportCount])), a).toEqual(Object.fromEntries(groups))
      checked += expected.length
    }
    // Victims and perpetrators alone, not only reporters and event actors, were found.
    expect(casualties.some((c) => c.victimActor && c.victimActor.id !== c.reportedBy?.id && !eventsOf.get(c.victimActor.id)?.has(c.eventId) && ACTORS.includes(c.victimActor.id))).toBe(true)
    expect(checked).toBeGreaterThan(100)
  })

  it('displacement counts by place, by actor and by both, with the metric', async () => {
    const { app } = await setup()
    const counts = await walk<Displacement>(app, '/v1/displacement-counts', 200)
    expect(counts.length).toBeGreaterThan(100)
    const at = (d: Displacement, p: string) => d.origin?.id === p || d.destination?.id === p
    const by = (d: Displacement, a: string) => d.reportedBy?.id === a || d.relayedBy?.id === a
    for (const p of PLACES) {
      const expected = counts.filter((d) => at(d, p))
      expect(expected.length, p).toBeGreaterThan(0)
      expect((await walk<Displacement>(app, `/v1/displacement-counts?place=${p}`, 2)).map((d) => d.id), p).toEqual(expected.map((d) => d.id))
      expect((await walk<Displacement>(app, `/v1/displacement-counts?place=${p}&metric=displaced`, 2)).map((d) => d.id), p).toEqual(expected.filter((d) => d.metric === 'displaced').map((d) => d.id))
    }
    for (const a of ACTORS) {
      const expected = counts.filter((d) => by(d, a))
      expect((await walk<Displacement>(app, `/v1/displacement-counts?actor=${a}`, 2)).map((d) => d.id), a).toEqual(expected.map((d) => d.id))
      for (const p of PLACES.slice(0, 2)) {
        expect((await walk<Displacement>(app, `/v1/displacement-counts?actor=${a}&place=${p}`, 1)).map((d) => d.id), `${a} ${p}`).toEqual(expected.filter((d) => at(d, p)).map((d) => d.id))
      }
    }
    expect(counts.filter((d) => d.relayedBy && d.relayedBy.id !== d.reportedBy?.id).length).toBeGreaterThan(10)
  })
})

describe('writes that look figures up by actor or place', () => {
  it('a delete is refused while any column of a figure names the record, and goes through once none does', async () => {
    const { app, db } = await setup()
    const admin = { authorization: `Bearer ${createKey(db, 'admin key', 'admin').key}` }
    db.exec(`
      INSERT INTO actors (id, name, kind) VALUES ('lone-perpetrator', 'Lone perpetrator', 'armed_group'), ('lone-relay', 'Lone relay', 'media_outlet');
      INSERT INTO places (id, name, kind) VALUES ('lone-destination', 'Lone destination', 'town');
      UPDATE displacement_counts SET relayed_by_id = 'lone-relay' WHERE rowid = (SELECT min(rowid) FROM displacement_counts WHERE id LIKE 'synth-%');
      UPDATE displacement_counts SET destination_place_id = 'lone-destination' WHERE rowid = (SELECT max(rowid) FROM displacement_counts WHERE id LIKE 'synth-%');`)
    // Seven reports name the actor, in each of the three columns; the first ones in the table as perpetrator.
    const reports = db.prepare(`SELECT id FROM casualty_reports WHERE id LIKE 'synth-%' ORDER BY rowid LIMIT 7`).pluck().all() as string[]
    const column = ['perpetrator_actor_id', 'perpetrator_actor_id', 'victim_actor_id', 'reported_by_id', 'victim_actor_id', 'reported_by_id', 'perpetrator_actor_id']
    reports.forEach((id, i) => db.prepare(`UPDATE casualty_reports SET ${column[i]} = 'lone-perpetrator' WHERE id = ?`).run(id))
    const named = (db.prepare('SELECT id, reported_by_id AS r, victim_actor_id AS v, perpetrator_actor_id AS p FROM casualty_reports ORDER BY rowid').all() as { id: string, r: string, v: string, p: string }[])
      .filter((c) => [c.r, c.v, c.p].includes('lone-perpetrator')).map((c) => `casualty report ${c.id}`)
    expect(named).toHaveLength(7)
    const remove = async (url: string) => {
      const etag = (await app.inject({ method: 'GET', url })).headers.etag as string
      return app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': etag } })
    }
    const cases: [string, RegExp, string][] = [
      ['/v1/actors/lone-perpetrator', new RegExp(`still referred to by ${named.slice(0, 5).join(', ')} and 2 more$`),
        column.map((c) => `UPDATE casualty_reports SET ${c} = NULL WHERE ${c} = 'lone-perpetrator';`).join('\n')],
      ['/v1/actors/lone-relay', /still referred to by displacement count synth-event-\d+-d$/, `UPDATE displacement_counts SET relayed_by_id = NULL WHERE relayed_by_id = 'lone-relay'`],
      ['/v1/places/lone-destination', /still referred to by displacement count synth-event-\d+-d$/, `UPDATE displacement_counts SET destination_place_id = NULL WHERE destination_place_id = 'lone-destination'`],
    ]
    for (const [url, message, release] of cases) {
      const refused = await remove(url)
      expect(refused.statusCode, url).toBe(409)
      expect(refused.json().code, url).toBe('IN_USE')
      expect(refused.json().detail, url).toMatch(message)
      db.exec(release)
      const done = await remove(url)
      expect(done.statusCode, url).toBe(200)
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
    }
  })

  it('renaming an actor or a place named only as a victim or a destination refreshes the events that show it', async () => {
    const { app, db } = await setup()
    const editor = { authorization: `Bearer ${createKey(db, 'editor key', 'editor').key}` }
    db.exec(`
      INSERT INTO actors (id, name, kind) VALUES ('lone-victim', 'Lone victim', 'civilian_population');
      INSERT INTO places (id, name, kind) VALUES ('lone-destination', 'Lone destination', 'town');`)
    const report = firstSynthetic(db, 'casualty_reports'), count = firstSynthetic(db, 'displacement_counts')
    db.prepare(`UPDATE casualty_reports SET victim_actor_id = 'lone-victim' WHERE id = ?`).run(report.id)
    db.prepare(`UPDATE displacement_counts SET destination_place_id = 'lone-destination' WHERE id = ?`).run(count.id)
    const before = (await getJson(app, `/v1/events/${report.eventId}`)).body.data
    expect(before.casualtyReports.find((c: Casualty) => c.id === report.id).victimActor.name).toBe('Lone victim')
    for (const [url, name] of [['/v1/actors/lone-victim', 'Victim renamed'], ['/v1/places/lone-destination', 'Destination renamed']] as const) {
      const etag = (await app.inject({ method: 'GET', url })).headers.etag as string
      const res = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': etag }, payload: { name } })
      expect(res.statusCode, url).toBe(200)
    }
    const victim = (await getJson(app, `/v1/events/${report.eventId}`)).body.data
    expect(victim.casualtyReports.find((c: Casualty) => c.id === report.id).victimActor.name).toBe('Victim renamed')
    const destination = (await getJson(app, `/v1/events/${count.eventId}`)).body.data
    expect(destination.displacementCounts.find((d: Displacement) => d.id === count.id).destination.name).toBe('Destination renamed')
    // The stored documents were refreshed, not merely composed on read.
    expect(db.prepare(`SELECT count(*) FROM event_documents_stale`).pluck().get()).toBe(0)
    expect(db.prepare('SELECT body FROM event_documents WHERE event_id = ?').pluck().get(report.eventId)).toContain('Victim renamed')
    expect(db.prepare('SELECT body FROM event_documents WHERE event_id = ?').pluck().get(count.eventId)).toContain('Destination renamed')
  })
})
