import { describe, expect, it } from 'vitest'
import type { App } from '../../../src/app.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { createKey } from '../../../src/modules/keys/queries.ts'
import { buildTestApp, getJson } from '../../helper.ts'

/** The summary tables recomputed from the records, to compare with what the triggers kept. */
function recomputed(app: App) {
  const db = app.storage.sqlite
  const figures = db.prepare(`SELECT event_id, measure, count(*) AS reports, max(el) AS low, sum(el) AS lowD,
      CASE WHEN count(eh) = count(*) THEN sum(eh) END AS high, max(best) AS best
    FROM (SELECT event_id, outcome AS measure, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END) AS el,
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END) AS eh, best FROM casualty_reports
      UNION ALL SELECT event_id, metric, coalesce(low, CASE WHEN qualifier = 'exact' THEN best END),
      coalesce(high, CASE WHEN qualifier = 'exact' THEN best END), best FROM displacement_counts WHERE event_id IS NOT NULL)
    GROUP BY event_id, measure ORDER BY event_id, measure`).all()
  const kept = db.prepare(`SELECT event_id, measure, reports, low, low_if_disjoint AS lowD, high, best FROM event_figures ORDER BY event_id, measure`).all()
  const facets = db.prepare(`SELECT 'actor' AS field, actor_id AS value, count(DISTINCT event_id) AS n FROM event_actors GROUP BY actor_id
    UNION ALL SELECT 'place', place_id, count(*) FROM events WHERE place_id IS NOT NULL GROUP BY place_id
    UNION ALL SELECT 'type', type, count(*) FROM events GROUP BY type ORDER BY 1, 2`).all()
  const keptFacets = db.prepare(`SELECT field, value, events AS n FROM facet_counts WHERE events <> 0 ORDER BY 1, 2`).all()
  return { figures, kept, facets, keptFacets }
}

async function write(app: App, method: string, url: string, headers: Record<string, string>, payload?: object) {
  const etag = method === 'POST' ? undefined : (await app.inject({ method: 'GET', url })).headers.etag as string
  const res = await app.inject({ method: method as 'POST', url, headers: { ...headers, ...(etag ? { 'if-match': etag } : {}) }, ...(payload ? { payload } : {}) })
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
}

describe('summary tables follow every write in its transaction', () => {
  it('keeps event figures, daily sums and facet counts equal to a recomputation after creates, updates and deletes', async () => {
    const app = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'a', 'admin').key}` }
    const before = recomputed(app)
    expect(before.kept).toEqual(before.figures)

    // A second killed report on the offensive: the event keeps its largest low (200), not 230.
    await write(app, 'POST', '/v1/casualty-reports', editor, {
      id: 'offensive-killed-30', eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'civilians',
      low: 30, high: 40, qualifier: 'about', reportedPhrase: 'between 30 and 40 civilians', citations: [],
    })
    let sept = (await getJson(app, '/v1/stats/events?groupBy=&from=2023-09&to=2023-09')).body.data[0].figures.killed
    expect(sept).toMatchObject({ low: 205, lowIfDisjoint: 235, events: 2 })
    // Moving the attack on the peacekeepers to October moves its 5 killed out of September.
    await write(app, 'PATCH', '/v1/events/russian-peacekeepers-killed-2023-09', editor, { start: '2023-10-02', type: 'offensive' })
    sept = (await getJson(app, '/v1/stats/events?groupBy=&from=2023-09&to=2023-09')).body.data[0].figures.killed
    expect(sept).toMatchObject({ low: 200, events: 1 })
    await write(app, 'PATCH', '/v1/casualty-reports/offensive-killed-30', editor, { outcome: 'injured' })
    await write(app, 'DELETE', '/v1/casualty-reports/peacekeepers-killed-five', admin)
    await write(app, 'DELETE', '/v1/events/russian-peacekeepers-killed-2023-09', admin)
    await write(app, 'PATCH', '/v1/events/ceasefire-2023-09-20', editor, { actors: [{ actorId: 'azerbaijan', role: 'initiator' }, { actorId: 'azerbaijan', role: 'party' }] })

    const after = recomputed(app)
    expect(after.kept).toEqual(after.figures)
    expect(after.keptFacets).toEqual(after.facets)
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
    const viaSummary = (await getJson(app, '/v1/stats/events?groupBy=period,type&period=week')).body
    const viaEvents = (await getJson(app, '/v1/stats/events?groupBy=period,type&period=week&updatedSince=1900')).body
    expect(viaSummary.data).toEqual(viaEvents.data)
    // The triggers are back: a write after the load moves the summaries with it.
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'e', 'editor').key}` }
    await write(app, 'POST', '/v1/casualty-reports', editor, {
      eventId: 'synth-event-0000001', outcome: 'missing', victimGroup: 'people', low: 3, high: 3, best: 3, qualifier: 'exact', reportedPhrase: 'three missing', citations: [],
    })
    state = recomputed(app)
    expect(state.kept).toEqual(state.figures)
  })
})
