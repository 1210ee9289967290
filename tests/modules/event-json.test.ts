import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { casualtiesOfEvents } from '../../src/modules/casualties/queries.ts'
import { presentCasualties } from '../../src/modules/casualties/present.ts'
import { displacementOfEvents } from '../../src/modules/displacement/queries.ts'
import { presentDisplacement } from '../../src/modules/displacement/present.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { actorsOfEvents, getEvent, listEvents, type EventFilters, type EventRow, type EventSort } from '../../src/modules/events/queries.ts'
import { EventDetail } from '../../src/modules/events/schemas.ts'
import { fillEventDocuments } from '../../src/modules/events/stored.ts'
import { getPlace } from '../../src/modules/places/queries.ts'
import { citationsByRecord } from '../../src/modules/sources/queries.ts'
import { statementsOfEvents } from '../../src/modules/statements/queries.ts'
import { presentStatements } from '../../src/modules/statements/present.ts'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp } from '../helper.ts'

// Text that JSON writers escape in different ways: quotes, backslashes, control characters,
// line and paragraph separators, and characters outside the basic plane.
const AWKWARD = 'Quote " backslash \\ rs \u001e \\ tab \t newline \n nul-ish \u0001 sep \u2028\u2029 emoji 🕊️ Xankəndi'

/** AWKWARD less the control characters writes refuse (all of C0 but tab, line feed and carriage return). */
const WRITABLE = AWKWARD.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')

/**
 * The seed, `n` synthetic events, and one event written through the API with awkward text
 * everywhere. Writes refuse control characters, but a record stored before that rule may hold
 * them, so they are put back with SQL and the stored documents composed again.
 */
async function appWithAwkwardEvent(n: number, event: object) {
  const app = await buildTestApp()
  const sqlite = app.storage.sqlite
  addSyntheticEvents(sqlite, n)
  const { key } = createKey(sqlite, 'desk', 'editor')
  const created = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${key}` }, payload: {
    title: WRITABLE, summary: WRITABLE, start: '2023-09-25', datePrecision: 'day', dateBasis: 'inferred', dateNote: WRITABLE, ...event,
  } })
  expect(created.statusCode).toBe(201)
  const id = created.json().data.id as string
  sqlite.prepare('UPDATE events SET title = ?, summary = ?, date_note = ? WHERE id = ?').run(AWKWARD, AWKWARD, AWKWARD, id)
  sqlite.prepare(`UPDATE citations SET quote = ? WHERE record_type = 'event' AND record_id = ? AND quote = ?`).run(AWKWARD, id, WRITABLE)
  fillEventDocuments(sqlite)
  return app
}

describe('event lists written by SQLite read as the rows would', () => {
  it('every page, sort and filter gives the body JSON.stringify would give for the same rows', async () => {
    const app = await appWithAwkwardEvent(120, { type: 'statement', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 1 }] })
    const cases: [EventFilters, EventSort, number][] = [
      [{}, 'date', 50], [{}, '-date', 7], [{}, 'updated', 30], [{}, '-updated', 200],
      [{ from: '2023-09' }, 'date', 5], [{ type: ['statement'] }, '-date', 40], [{ place: 'baku' }, 'date', 10], [{ q: 'emoji' }, 'date', 10],
    ]
    let checked = 0
    for (const [filters, sort, limit] of cases) {
      let url = `/v1/events?sort=${sort}&limit=${limit}${Object.entries(filters).map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`).join('')}`
      for (let pageNo = 0; pageNo < 3 && url; pageNo++) {
        const res = await app.inject(url)
        expect(res.statusCode, url).toBe(200)
        const body = res.json()
        const cursor = new URL(url, 'http://x').searchParams.get('cursor') ?? undefined
        const rows = listEvents(app.storage.sqlite, filters, sort, limit, cursor)
        const expected = { data: rows.rows, page: { nextCursor: rows.nextCursor, limit }, meta: { datasetVersion: body.meta.datasetVersion, count: rows.rows.length, sort } }
        expect(res.body, url).toBe(JSON.stringify(expected))
        checked += rows.rows.length
        url = rows.nextCursor ? `${url.replace(/&cursor=[^&]*/, '')}&cursor=${rows.nextCursor}` : ''
      }
    }
    expect(checked).toBeGreaterThan(300)
    const awkward = (await app.inject('/v1/events?q=emoji')).json().data
    expect(awkward.map((e: { title: string }) => e.title)).toEqual([AWKWARD])
  })

  it('facets and totals sit in meta beside a page written by SQLite', async () => {
    const app = await buildTestApp()
    const res = await app.inject('/v1/events?limit=3&facets=type&count=exact')
    const body = res.json()
    expect(body.data).toHaveLength(3)
    expect(body.meta.total).toBe((await app.inject('/v1/events?limit=100')).json().data.length)
    expect(body.meta.facets.type.reduce((n: number, f: { count: number }) => n + f.count, 0)).toBe(body.meta.total)
  })
})

/** The event detail composed from the presenters the casualty, displacement and statement routes use. */
function presented(sqlite: Database.Database, event: EventRow) {
  const place = event.placeId ? getPlace(sqlite, event.placeId) : undefined
  return EventDetail.parse({
    ...event,
    place: place ? { id: place.id, name: place.name, latitude: place.latitude, longitude: place.longitude } : null,
    actors: actorsOfEvents(sqlite, [event.id]).map(({ actorId, name, kind, role }) => ({ id: actorId, name, kind, role })),
    casualtyReports: presentCasualties(sqlite, casualtiesOfEvents(sqlite, [event.id])),
    displacementCounts: presentDisplacement(sqlite, displacementOfEvents(sqlite, [event.id])),
    statements: presentStatements(sqlite, statementsOfEvents(sqlite, [event.id])),
    citations: citationsByRecord(sqlite, 'event', [event.id])[0]!,
  })
}

describe('the event detail written by SQLite', () => {
  it('is, for every event, the document the shared presenters give', async () => {
    const app = await appWithAwkwardEvent(40, {
      type: 'displacement', placeId: 'yevlakh', actors: [{ actorId: 'azerbaijan', role: 'initiator' }, { actorId: 'armenia', role: 'affected' }],
      citations: [{ sourceId: 'ft-2023-09-24', paragraph: 2, quote: WRITABLE }, { sourceId: 'ft-2023-09-24', paragraph: 1 }],
    })
    const ids = app.storage.sqlite.prepare('SELECT id FROM events').pluck().all() as string[]
    const kinds = { casualtyReports: 0, displacementCounts: 0, statements: 0, place: 0 }
    for (const id of ids) {
      const res = await app.inject(`/v1/events/${id}`)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      // The ids from other datasets are added as the document is read; none of these events was imported.
      expect(body.data, id).toEqual({ ...presented(app.storage.sqlite, getEvent(app.storage.sqlite, id)!), externalIds: [] })
      for (const k of ['casualtyReports', 'displacementCounts', 'statements'] as const) if (body.data[k].length) kinds[k]++
      if (body.data.place) kinds.place++
    }
    // The comparison covered every kind of embedded record, not only empty lists.
    expect(Object.values(kinds).every((n) => n > 0)).toBe(true)
    const missing = await app.inject('/v1/events/no-such-event')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('NOT_FOUND')
  })
})
