import { describe, expect, it } from 'vitest'
import { seedData } from '../seed/data.ts'
import { SeedDataset } from '../seed/schema.ts'
import { getJson as get, gql as query, sharedApp } from './helper.ts'

// The seed is the specification of what must be served: every record, number, qualifier, date,
// precision and citation in it is checked against both transports.
const seed = SeedDataset.parse(seedData)
const up = (v: string | null | undefined) => (v == null ? null : v.toUpperCase())
const cites = (cs: { source: string, paragraph: number, quote?: string | undefined }[]) =>
  cs.map((c) => ({ source: c.source, paragraph: c.paragraph, quote: c.quote ?? null })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
const served = (cs: { source: { id: string }, paragraph: number | null, quote: string | null }[]) =>
  cs.map((c) => ({ source: c.source.id, paragraph: c.paragraph, quote: c.quote })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

const app = sharedApp()
const getJson = (_: unknown, url: string) => get(app(), url)
const gql = (_: unknown, q: string, v?: Record<string, unknown>) => query(app(), q, v)

describe('every seeded event', () => {
  it.each(seed.events.map((e) => [e.id, e]))('%s is served by REST and GraphQL with its date, actors and citations', async (_id, e) => {
    const rest = (await getJson(app, `/v1/events/${e.id}`)).body.data
    expect(rest).toMatchObject({ id: e.id, title: e.title, summary: e.summary, type: e.type, start: e.start, end: e.end ?? null,
      datePrecision: e.datePrecision, dateBasis: e.dateBasis, dateNote: e.dateNote ?? null, placeId: e.place ?? null })
    expect(rest.actors.map((a: any) => `${a.id}:${a.role}`).sort()).toEqual(e.actors.map((a) => `${a.actor}:${a.role}`).sort())
    expect(served(rest.citations)).toEqual(cites(e.citations))

    const { body } = await gql(app, `query ($id: ID!) { event(id: $id) { id: recordId title type start end datePrecision dateBasis dateNote
      place { id: recordId } actors { role actor { id: recordId } } citations { paragraph quote source { id: recordId } } } }`, { id: e.id })
    const g = body.data.event
    expect(g).toMatchObject({ id: e.id, title: e.title, type: up(e.type), start: e.start, end: e.end ?? null,
      datePrecision: up(e.datePrecision), dateBasis: up(e.dateBasis), dateNote: e.dateNote ?? null })
    expect(g.place?.id ?? null).toBe(e.place ?? null)
    expect(g.actors.map((a: any) => `${a.actor.id}:${a.role.toLowerCase()}`).sort()).toEqual(e.actors.map((a) => `${a.actor}:${a.role}`).sort())
    expect(served(g.citations)).toEqual(cites(e.citations))
  })
})

describe('every seeded figure', () => {
  it.each(seed.casualtyReports.map((c) => [c.id, c]))('casualty report %s keeps bounds, qualifier, wording and source', async (_id, c) => {
    const rest = (await getJson(app, `/v1/casualty-reports/${c.id}`)).body.data
    expect(rest).toMatchObject({ eventId: c.event, outcome: c.outcome, victimGroup: c.victimGroup, low: c.low, high: c.high, best: c.best,
      qualifier: c.qualifier, reportedPhrase: c.reportedPhrase, reportedBy: c.reportedBy ? { id: c.reportedBy } : null })
    expect(served(rest.citations)).toEqual(cites(c.citations))
    const { body } = await gql(app, `query ($e: ID!) { casualtyReports(filter: { event: $e }) { nodes { id: recordId low high best qualifier reportedPhrase outcome victimGroup citations { paragraph quote source { id: recordId } } } } }`, { e: c.event })
    const g = body.data.casualtyReports.nodes.find((n: any) => n.id === c.id)
    expect(g).toMatchObject({ low: c.low, high: c.high, best: c.best, qualifier: up(c.qualifier), reportedPhrase: c.reportedPhrase, outcome: up(c.outcome) })
    expect(served(g.citations)).toEqual(cites(c.citations))
  })

  it.each(seed.displacementCounts.map((d) => [d.id, d]))('displacement count %s keeps asOf, offset, reporter and relay', async (_id, d) => {
    const rest = (await getJson(app, `/v1/displacement-counts/${d.id}`)).body.data
    expect(rest).toMatchObject({ metric: d.metric, low: d.low, high: d.high, best: d.best, qualifier: d.qualifier, reportedPhrase: d.reportedPhrase,
      asOf: d.asOf, asOfPrecision: d.asOfPrecision, asOfBasis: d.asOfBasis, reportedBy: d.reportedBy ? { id: d.reportedBy } : null,
      relayedBy: d.relayedBy ? { id: d.relayedBy } : null, destination: d.destination ? { id: d.destination } : null })
    expect(served(rest.citations)).toEqual(cites(d.citations))
    const { body } = await gql(app, `{ displacementCounts(first: 200) { nodes { id: recordId asOf best qualifier metric relayedBy { id: recordId } reportedBy { id: recordId } citations { paragraph quote source { id: recordId } } } } }`)
    const g = body.data.displacementCounts.nodes.find((n: any) => n.id === d.id)
    expect(g).toMatchObject({ asOf: d.asOf, best: d.best, qualifier: up(d.qualifier), metric: up(d.metric) })
    expect(g.relayedBy?.id ?? null).toBe(d.relayedBy ?? null)
    expect(served(g.citations)).toEqual(cites(d.citations))
  })
})

describe('every seeded statement, actor and place', () => {
  it.each(seed.statements.map((s) => [s.id, s]))('statement %s stays attributed to its speaker', async (_id, s) => {
    const rest = (await getJson(app, `/v1/statements/${s.id}`)).body.data
    expect(rest).toMatchObject({ speaker: { id: s.speaker }, saidAt: s.saidAt, medium: s.medium, quote: s.quote ?? null, summary: s.summary,
      datePrecision: s.datePrecision, dateBasis: s.dateBasis })
    expect([...rest.eventIds].sort()).toEqual([...s.events].sort())
    expect(served(rest.citations)).toEqual(cites(s.citations))
    const { body } = await gql(app, `query ($id: ID!) { statement(id: $id) { speaker { id: recordId } quote summary medium events { id: recordId } } }`, { id: s.id })
    expect(body.data.statement).toMatchObject({ speaker: { id: s.speaker }, quote: s.quote ?? null, summary: s.summary, medium: up(s.medium) })
    expect(body.data.statement.events.map((e: any) => e.id).sort()).toEqual([...s.events].sort())
  })

  it('every actor, with its affiliation', async () => {
    for (const a of seed.actors) {
      const rest = (await getJson(app, `/v1/actors/${a.id}`)).body.data
      expect(rest).toMatchObject({ name: a.name, kind: a.kind, aliases: a.aliases, affiliationId: a.affiliation ?? null })
      const { body } = await gql(app, `query ($id: ID!) { actor(id: $id) { name kind affiliation { id: recordId } } }`, { id: a.id })
      expect(body.data.actor).toMatchObject({ name: a.name, kind: up(a.kind), affiliation: a.affiliation ? { id: a.affiliation } : null })
    }
  })

  it('the events and statements of an actor agree between REST and GraphQL', async () => {
    for (const id of ['nikol-pashinyan', 'azerbaijan', 'hikmet-hajiyev']) {
      const rest = (await getJson(app, `/v1/actors/${id}/events?limit=200`)).body.data.map((e: any) => e.id)
      const restRole = (await getJson(app, `/v1/actors/${id}/events?limit=200&role=initiator`)).body.data.map((e: any) => e.id)
      const { body } = await gql(app, `query ($id: ID!) { actor(id: $id) { events { nodes { id: recordId } } initiated: events(role: INITIATOR) { nodes { id: recordId } } statements { nodes { id: recordId } } } }`, { id })
      expect(body.errors).toBeUndefined()
      expect(body.data.actor.events.nodes.map((e: any) => e.id)).toEqual(rest)
      expect(body.data.actor.initiated.nodes.map((e: any) => e.id)).toEqual(restRole)
      expect(body.data.actor.statements.nodes.map((s: any) => s.id).sort()).toEqual(seed.statements.filter((s) => s.speaker === id).map((s) => s.id).sort())
    }
  })

  it('every place, with coordinates and aliases', async () => {
    for (const p of seed.places) {
      const rest = (await getJson(app, `/v1/places/${p.id}`)).body.data
      expect(rest).toMatchObject({ name: p.name, aliases: p.aliases, latitude: p.latitude, longitude: p.longitude, countryCode: p.countryCode })
      const { body } = await gql(app, `query ($id: ID!) { place(id: $id) { name latitude longitude aliases } }`, { id: p.id })
      expect(body.data.place).toMatchObject({ name: p.name, latitude: p.latitude, longitude: p.longitude, aliases: p.aliases })
    }
  })
})

describe('the article facts the product is about', () => {
  it('the offensive: at least 200 killed, more than 400 injured, according to officials, para. 5', async () => {
    const { body } = await getJson(app, '/v1/casualty-reports?event=azerbaijani-offensive-2023-09')
    const killed = body.data.find((c: any) => c.outcome === 'killed')
    const injured = body.data.find((c: any) => c.outcome === 'injured')
    expect(killed).toMatchObject({ low: 200, high: null, qualifier: 'at_least' })
    expect(injured).toMatchObject({ low: 401, high: null, qualifier: 'more_than' })
    expect(killed.citations[0]).toMatchObject({ paragraph: 5, source: { publisher: 'Financial Times', publishedDate: '2023-09-24' } })
  })

  it('377 refugees arrived in southern Armenia as of 18:00 UTC+4 on 24 September 2023, via CivilNet citing Armenian authorities', async () => {
    const { body } = await getJson(app, '/v1/displacement-counts?metric=arrived')
    expect(body.data).toHaveLength(1)
    expect(body.data[0]).toMatchObject({ best: 377, qualifier: 'exact', asOf: '2023-09-24T18:00+04:00', asOfSortKey: '2023-09-24T14:00:00.000Z',
      relayedBy: { id: 'civilnet' }, reportedBy: { id: 'armenian-authorities' }, destination: { id: 'southern-armenia' } })
  })

  it('five peacekeepers killed by Azerbaijani forces', async () => {
    const { body } = await getJson(app, '/v1/casualty-reports?victimGroup=peacekeepers')
    expect(body.data[0]).toMatchObject({ best: 5, qualifier: 'exact', outcome: 'killed', perpetratorActor: { id: 'azerbaijani-armed-forces' } })
  })

  it('REST and GraphQL list the same events in the same order', async () => {
    const rest = (await getJson(app, '/v1/events?limit=200&sort=-date')).body.data.map((e: any) => e.id)
    const { body } = await gql(app, '{ events(first: 200, orderBy: DATE_DESC) { nodes { id: recordId } totalCount } }')
    expect(body.data.events.nodes.map((e: any) => e.id)).toEqual(rest)
    expect(body.data.events.totalCount).toBe(seed.events.length)
  })

  it('the casualty summary keeps bounds and never adds groups together', async () => {
    const rest = (await getJson(app, '/v1/casualty-reports/summary')).body
    const killedPeople = rest.data.find((r: any) => r.outcome === 'killed' && r.victimGroup === 'people')
    expect(killedPeople).toMatchObject({ low: 200, high: null, reportCount: 1 })
    const peacekeepers = rest.data.find((r: any) => r.victimGroup === 'peacekeepers')
    expect(peacekeepers).toMatchObject({ low: 5, high: 5 })
    const { body } = await gql(app, '{ casualtySummary { outcome victimGroup low high reportCount } }')
    expect(body.data.casualtySummary).toHaveLength(rest.data.length)
  })
})
