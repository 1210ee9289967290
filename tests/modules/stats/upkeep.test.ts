import { describe, expect, it } from 'vitest'
import type { App } from '../../../src/app.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { groupBy } from '../../../src/modules/events/queries.ts'
import { createKey } from '../../../src/modules/keys/queries.ts'
import { buildTestApp, getJson } from '../../helper.ts'

/** The summary tables recomputed from the records, to compare with what the triggers kept. */
function recomputed(app: App) {
  const db = app.storage.sqlite
  const figures = db.prepare(`SELECT event_id, measure, count(*) AS reports, max(el) AS low, sum(el) AS lowD,
      CASE WHEN count(eh) = count(*) THEN sum(eh) END AS high,
      -- A best below the sure lower bound estimates part of the toll: the event has none.
      CASE WHEN max(best) >= coalesce(max(el), 0) THEN max(best) END AS best
    FROM (SELECT event_id, outcome AS measure, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END) AS eh, best FROM casualty_reports
      UNION ALL SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN coalesce(high, best) END),
      coalesce(high, CASE WHEN qualifier = 'exact' THEN coalesce(low, best) END), best FROM displacement_counts WHERE event_id IS NOT NULL)
    GROUP BY event_id, measure ORDER BY event_id, measure`).all()
  const kept = db.prepare(`SELECT event_id, measure, reports, low, low_if_disjoint AS lowD, high, best FROM event_figures ORDER BY event_id, measure`).all()
  const facets = db.prepare(`SELECT 'actor' AS field, actor_id AS value, count(DISTINCT event_id) AS n FROM event_actors GROUP BY actor_id
    UNION ALL SELECT 'place', place_id, count(*) FROM events WHERE place_id IS NOT NULL GROUP BY place_id
    UNION ALL SELECT 'type', type, count(*) FROM events GROUP BY type ORDER BY 1, 2`).all()
  const keptFacets = db.prepare(`SELECT field, value, events AS n FROM facet_counts WHERE events <> 0 ORDER BY 1, 2`).all()
  // Each event's search row with the event's own columns, as stats_event_keys should hold them.
  const eventKeys = db.prepare(`SELECT k.fts_rowid, e.id, e.start_utc, e.type, e.date_precision, e.place_id
    FROM events e JOIN search_keys k ON k.record_type = 'event' AND k.record_id = e.id ORDER BY 1`).all()
  const keptEventKeys = db.prepare('SELECT fts_rowid, id, start_utc, type, date_precision, place_id FROM stats_event_keys ORDER BY 1').all()
  return { figures, kept, facets, keptFacets, actorMonths: actorMonths(app), keptActorMonths: keptActorMonths(app), eventKeys, keptEventKeys }
}

type Sums = [number, number, number, number, number, number, number, number]

/**
 * stats_actor_monthly worked out in plain code from the events, their links and their figures:
 * each event once per distinct actor (or under '' without one), in its month and date class.
 */
function actorMonths(app: App): Record<string, Sums> {
  const db = app.storage.sqlite
  const events = db.prepare('SELECT id, start_utc, date_precision FROM events').all() as { id: string, start_utc: string, date_precision: string }[]
  const actorsOf = new Map<string, Set<string>>()
  for (const l of db.prepare('SELECT event_id, actor_id FROM event_actors').all() as { event_id: string, actor_id: string }[]) {
    if (!actorsOf.has(l.event_id)) actorsOf.set(l.event_id, new Set())
    actorsOf.get(l.event_id)!.add(l.actor_id)
  }
  const figuresOf = groupBy(db.prepare('SELECT * FROM event_figures').all() as { event_id: string, measure: string, low: number | null, low_if_disjoint: number | null, high: number | null, best: number | null }[], 'event_id')
  const out: Record<string, Sums> = {}
  const add = (key: string, v: Sums) => { out[key] = (out[key] ?? [0, 0, 0, 0, 0, 0, 0, 0]).map((x, i) => x + v[i]!) as Sums }
  for (const e of events) {
    const dateClass = e.date_precision === 'month' || e.date_precision === 'year' ? e.date_precision : 'day'
    for (const actor of actorsOf.get(e.id) ?? ['']) {
      const at = `${e.start_utc.slice(0, 7)}|${actor}|${dateClass}`
      add(`${at}|*`, [1, 0, 0, 0, 0, 0, 0, 0])
      for (const f of figuresOf.get(e.id) ?? []) {
        add(`${at}|${f.measure}`, [1, f.low === null ? 0 : 1, f.low ?? 0, f.low_if_disjoint ?? 0, f.high === null ? 1 : 0, f.high ?? 0, f.best === null ? 0 : 1, f.best ?? 0])
      }
    }
  }
  return out
}

/** The rows the triggers kept, without those a removal left at zero. */
function keptActorMonths(app: App): Record<string, Sums> {
  const rows = app.storage.sqlite.prepare(`SELECT month || '|' || actor_id || '|' || date_class || '|' || measure AS k,
    events, low_events, low, low_if_disjoint, high_open, high, best_events, best FROM stats_actor_monthly`).raw().all() as [string, ...Sums][]
  return Object.fromEntries(rows.filter((r) => r.slice(1).some((v) => v !== 0)).map(([k, ...v]) => [k, v]))
}

async function write(app: App, method: string, url: string, headers: Record<string, string>, payload?: object) {
  const etag = method === 'POST' ? undefined : (await app.inject({ method: 'GET', url })).headers.etag as string
  const res = await app.inject({ method: method as 'POST', url, headers: { ...headers, ...(etag ? { 'if-match': etag } : {}) }, ...(payload ? { payload } : {}) })
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
}

describe('summary tables follow every write in its transaction', () => {
  it('holds both bounds of a figure range on one figure: 200 displaced and 50 arrived are not between 100 and 150', async () => {
    const app = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    const cite = [{ sourceId: 'ft-2023-09-24', paragraph: 5 }]
    await write(app, 'POST', '/v1/events', editor, { id: 'two-metrics', title: 'Two metrics', summary: 'x', type: 'displacement', start: '2019-08-01', datePrecision: 'day', dateBasis: 'stated', citations: cite })
    const count = { eventId: 'two-metrics', asOf: '2019-08-01', asOfPrecision: 'day', asOfBasis: 'stated', citations: cite }
    await write(app, 'POST', '/v1/displacement-counts', editor, { ...count, metric: 'displaced', low: 200, qualifier: 'at_least', reportedPhrase: 'at least 200 displaced' })
    await write(app, 'POST', '/v1/displacement-counts', editor, { ...count, metric: 'arrived', high: 50, qualifier: 'up_to', reportedPhrase: 'up to 50 arrived' })
    const listed = async (q: string) => (await getJson(app, `/v1/events?${q}`)).body.data.some((e: { id: string }) => e.id === 'two-metrics')
    // Alone, and beside a narrower filter (where each event is probed instead of listed from an index).
    for (const narrow of ['', '&from=2019-08&to=2019-08&type=displacement']) {
      expect(await listed(`minDisplaced=100&maxDisplaced=150${narrow}`), narrow).toBe(false)
      expect(await listed(`minDisplaced=100&maxDisplaced=250${narrow}`), narrow).toBe(false)
      expect(await listed(`minDisplaced=40&maxDisplaced=60${narrow}`), narrow).toBe(false)
      // Each bound alone is met, by one metric or the other.
      expect(await listed(`minDisplaced=100${narrow}`), narrow).toBe(true)
      expect(await listed(`maxDisplaced=150${narrow}`), narrow).toBe(true)
    }
    // Both met by one figure: the seed's exactly 377 arrivals.
    expect((await getJson(app, '/v1/events?minDisplaced=300&maxDisplaced=400')).body.data.map((e: { id: string }) => e.id)).toEqual(['refugees-arrive-southern-armenia'])
    const stats = (await getJson(app, '/v1/stats/events?groupBy=&from=2019&to=2019&minDisplaced=100&maxDisplaced=150')).body.data
    expect(stats.length === 0 || stats[0].events === 0).toBe(true)
  })

  it('counts an exact figure\'s one value as both bounds whichever field holds it', async () => {
    const app = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    const cite = [{ sourceId: 'ft-2023-09-24', paragraph: 5 }]
    await write(app, 'POST', '/v1/events', editor, { id: 'exact-figures', title: 'Exact figures', summary: 'x', type: 'attack', start: '2019-05-05', datePrecision: 'day', dateBasis: 'stated', citations: cite })
    const report = { eventId: 'exact-figures', victimGroup: 'people', qualifier: 'exact', citations: cite }
    await write(app, 'POST', '/v1/casualty-reports', editor, { ...report, id: 'exact-low', outcome: 'killed', low: 5, reportedPhrase: 'five killed' })
    await write(app, 'POST', '/v1/casualty-reports', editor, { ...report, id: 'exact-high', outcome: 'injured', high: 8, reportedPhrase: 'eight injured' })
    const row = (await getJson(app, '/v1/stats/events?groupBy=&from=2019-05&to=2019-05&measures=killed,injured')).body.data[0]
    // "Exactly 5" stored as a low alone was open-ended; "exactly 8" stored as a high alone had no lower bound.
    expect(row.figures.killed).toMatchObject({ low: 5, high: 5, openEndedEvents: 0 })
    expect(row.figures.injured).toMatchObject({ low: 8, lowEvents: 1, high: 8 })
    expect((await getJson(app, '/v1/events?maxKilled=5&from=2019&to=2019')).body.data.map((e: { id: string }) => e.id)).toEqual(['exact-figures'])
    const summary = (await getJson(app, '/v1/casualty-reports/summary?event=exact-figures')).body.data
    expect(summary.map((g: { outcome: string, low: number, high: number }) => [g.outcome, g.low, g.high])).toEqual([['injured', 8, 8], ['killed', 5, 5]])
    const kept = recomputed(app)
    expect(kept.kept).toEqual(kept.figures)
  })

  it('keeps event figures, daily sums and facet counts equal to a recomputation after creates, updates and deletes', async () => {
    const app = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'a', 'admin').key}` }
    const before = recomputed(app)
    expect(before.kept).toEqual(before.figures)

    // A third killed report on the offensive: the event keeps its largest low (200), not 235, and
    // has no best, the only one given (the peacekeepers' 5) being below its sure 200.
    await write(app, 'POST', '/v1/casualty-reports', editor, {
      id: 'offensive-killed-30', eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'civilians',
      low: 30, high: 40, qualifier: 'about', reportedPhrase: 'between 30 and 40 civilians', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    })
    let sept = (await getJson(app, '/v1/stats/events?groupBy=&from=2023-09&to=2023-09')).body.data[0].figures.killed
    expect(sept).toMatchObject({ low: 200, lowIfDisjoint: 235, events: 1, best: null, bestEvents: 0 })
    // The peacekeepers' report moved to their own event: two events, whose figures add, and that
    // event's best (5, its own low) stands.
    await write(app, 'PATCH', '/v1/casualty-reports/peacekeepers-killed-five', editor, { eventId: 'russian-peacekeepers-killed-2023-09' })
    sept = (await getJson(app, '/v1/stats/events?groupBy=&from=2023-09&to=2023-09')).body.data[0].figures.killed
    expect(sept).toMatchObject({ low: 205, lowIfDisjoint: 235, events: 2, best: 5, bestEvents: 1 })
    expect(recomputed(app).kept).toEqual(recomputed(app).figures)
    // Moving the attack on the peacekeepers to October moves its 5 killed out of September.
    await write(app, 'PATCH', '/v1/events/russian-peacekeepers-killed-2023-09', editor, { start: '2023-10-02', type: 'offensive' })
    sept = (await getJson(app, '/v1/stats/events?groupBy=&from=2023-09&to=2023-09')).body.data[0].figures.killed
    expect(sept).toMatchObject({ low: 200, events: 1 })
    await write(app, 'PATCH', '/v1/casualty-reports/offensive-killed-30', editor, { outcome: 'injured' })
    await write(app, 'DELETE', '/v1/casualty-reports/peacekeepers-killed-five', admin)
    await write(app, 'DELETE', '/v1/events/russian-peacekeepers-killed-2023-09', admin)
    await write(app, 'PATCH', '/v1/events/ceasefire-2023-09-20', editor, { actors: [{ actorId: 'azerbaijan', role: 'initiator' }, { actorId: 'azerbaijan', role: 'party' }] })

    // A new event with two actors, then an event left without any (it moves to actor '').
    await write(app, 'POST', '/v1/events', editor, {
      title: 'Convoy reaches Goris', summary: 'A test convoy.', type: 'displacement', start: '2023-09-25', datePrecision: 'day', dateBasis: 'inferred',
      dateNote: 'test', placeId: 'southern-armenia', actors: [{ actorId: 'armenians-of-nagorno-karabakh', role: 'affected' }, { actorId: 'armenia', role: 'party' }], citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    })
    await write(app, 'POST', '/v1/casualty-reports', editor, {
      eventId: 'convoy-reaches-goris', outcome: 'injured', victimGroup: 'civilians', high: 4, qualifier: 'up_to', reportedPhrase: 'up to four injured', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    })
    await write(app, 'PATCH', '/v1/events/convoy-reaches-goris', editor, { start: '2023-10', datePrecision: 'month' })
    await write(app, 'PATCH', '/v1/events/ceasefire-2023-09-20', editor, { actors: [] })

    const after = recomputed(app)
    expect(after.kept).toEqual(after.figures)
    expect(after.keptFacets).toEqual(after.facets)
    expect(Object.keys(after.actorMonths).some((k) => k.includes('||'))).toBe(true)
    expect(after.keptActorMonths).toEqual(after.actorMonths)
    expect(after.keptEventKeys).toEqual(after.eventKeys)
    // Grouping by actor over whole months reads stats_actor_monthly and answers what grouping the events does.
    for (const q of ['groupBy=actor&from=2023-09&to=2023-10', 'groupBy=actor,period&period=quarter', 'groupBy=period,actor&period=month&from=2023',
      'groupBy=actor&from=2023-09-19&to=2023-10-31', 'groupBy=actor&from=2023-08-15&to=2023-10-10', 'groupBy=actor,period&period=year&from=2023-08-31']) {
      const viaSummary = (await getJson(app, `/v1/stats/events?${q}`)).body
      const viaEvents = (await getJson(app, `/v1/stats/events?${q}&updatedSince=1900`)).body
      expect([viaSummary.meta.source, viaEvents.meta.source], q).toEqual(['summary', 'events'])
      expect(viaSummary.data.length, q).toBeGreaterThan(0)
      expect(viaSummary.data, q).toEqual(viaEvents.data)
    }
    // The daily sums (read when grouping by period and type) agree with grouping the events themselves.
    const viaSummary = (await getJson(app, '/v1/stats/events?groupBy=period,type&period=day')).body
    const viaEvents = (await getJson(app, '/v1/stats/events?groupBy=period,type&period=day&updatedSince=1900')).body
    expect([viaSummary.meta.source, viaEvents.meta.source]).toEqual(['summary', 'events'])
    expect(viaSummary.data).toEqual(viaEvents.data)
  })

  it('rebuilds the summaries after a bulk synthetic load and keeps them current afterwards', async () => {
    const app = await buildTestApp()
    synthesise(app.storage.sqlite, { events: 400 })
    let state = recomputed(app)
    expect(state.kept.length).toBeGreaterThan(100)
    expect(state.kept).toEqual(state.figures)
    expect(state.keptFacets).toEqual(state.facets)
    expect(Object.keys(state.keptActorMonths).length).toBeGreaterThan(400)
    expect(state.keptActorMonths).toEqual(state.actorMonths)
    expect(state.keptEventKeys.length).toBeGreaterThan(400)
    expect(state.keptEventKeys).toEqual(state.eventKeys)
    for (const q of ['groupBy=period,type&period=week', 'groupBy=actor&from=2021-02&to=2022-07', 'groupBy=actor,period&period=year',
      'groupBy=actor&from=2021-02-11&to=2021-06-03', 'groupBy=period,actor&period=quarter&from=2021-02-11', 'groupBy=actor&to=2021-06-03T12:00:00Z']) {
      const viaSummary = (await getJson(app, `/v1/stats/events?${q}`)).body
      const viaEvents = (await getJson(app, `/v1/stats/events?${q}&updatedSince=1900`)).body
      expect(viaSummary.meta.source, q).toBe('summary')
      expect(viaSummary.data, q).toEqual(viaEvents.data)
    }
    // Words read stats_event_keys through the index's rowids; with updatedSince they read the events by id.
    for (const q of ['groupBy=type,place&q=ceasefire', 'groupBy=period,actor&period=week&q=convoy&from=2021', 'groupBy=country&q=shelling&minKilled=1']) {
      const viaKeys = (await getJson(app, `/v1/stats/events?${q}`)).body
      const viaEvents = (await getJson(app, `/v1/stats/events?${q}&updatedSince=1900`)).body
      expect(viaKeys.data.length, q).toBeGreaterThan(1)
      expect(viaKeys.data, q).toEqual(viaEvents.data)
    }
    const counts = async (url: string) => Object.fromEntries(Object.entries((await getJson(app, url)).body.meta.facets as Record<string, { value: string, count: number }[]>)
      .map(([field, values]) => [field, values.map((v) => [v.value, v.count])]))
    const facets = await counts('/v1/events?q=village&facets=type,place,actor&limit=1')
    expect(facets.actor!.length).toBeGreaterThan(1)
    expect(facets).toEqual(await counts('/v1/events?q=village&facets=type,place,actor&limit=1&updatedSince=1900'))
    // The triggers are back: a write after the load moves the summaries with it.
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    await write(app, 'POST', '/v1/casualty-reports', editor, {
      eventId: 'synth-event-0000001', outcome: 'missing', victimGroup: 'people', low: 3, high: 3, best: 3, qualifier: 'exact', reportedPhrase: 'three missing', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    })
    // A delete straight in SQL: the links go by cascade after the event row, and the summary still follows.
    const db = app.storage.sqlite
    db.transaction(() => {
      for (const t of ['casualty_reports', 'displacement_counts', 'statement_events']) db.prepare(`DELETE FROM ${t} WHERE event_id = 'synth-event-0000002'`).run()
      expect(db.prepare(`SELECT count(*) FROM event_actors WHERE event_id = 'synth-event-0000002'`).pluck().get()).toBeGreaterThan(0)
      db.prepare(`DELETE FROM events WHERE id = 'synth-event-0000002'`).run()
      db.prepare(`DELETE FROM event_actors WHERE event_id = 'synth-event-0000003'`).run()
    })()
    state = recomputed(app)
    expect(state.kept).toEqual(state.figures)
    expect(state.keptActorMonths).toEqual(state.actorMonths)
    expect(state.keptEventKeys).toEqual(state.eventKeys)
  })
})
