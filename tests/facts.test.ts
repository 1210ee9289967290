import { describe, expect, it } from 'vitest'
import { FT, FT_PARAGRAPHS, seedData } from '../seed/data.ts'
import { SeedDataset } from '../seed/schema.ts'
import { getJson as get, gql as query, sharedApp } from './helper.ts'

// The seed is the specification of what must be served: every record, number, qualifier, date,
// precision and citation in it is checked against both transports.
const seed = SeedDataset.parse(seedData)
const up = (v: string | null | undefined) => (v == null ? null : v.toUpperCase())
type SeedCite = { source: string, paragraph?: number | undefined, locator?: string | undefined, quote?: string | undefined }
const cites = (cs: SeedCite[]) =>
  cs.map((c) => ({ source: c.source, paragraph: c.paragraph ?? null, locator: c.locator ?? `para. ${c.paragraph}`, quote: c.quote ?? null }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
const served = (cs: { source: { id: string }, paragraph: number | null, locator: string, quote: string | null }[]) =>
  cs.map((c) => ({ source: c.source.id, paragraph: c.paragraph, locator: c.locator, quote: c.quote })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

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
      place { id: recordId } actors { role actor { id: recordId } } citations { paragraph locator quote source { id: recordId } } } }`, { id: e.id })
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
    const { body } = await gql(app, `query ($e: ID!) { casualtyReports(filter: { event: $e }) { nodes { id: recordId low high best qualifier reportedPhrase outcome victimGroup citations { paragraph locator quote source { id: recordId } } } } }`, { e: c.event })
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
    const { body } = await gql(app, `{ displacementCounts(first: 200) { nodes { id: recordId asOf best qualifier metric relayedBy { id: recordId } reportedBy { id: recordId } citations { paragraph locator quote source { id: recordId } } } } }`)
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
  it('the offensive: at least 200 killed, more than 400 injured, according to officials, para. 4 (the heading line is not counted)', async () => {
    const { body } = await getJson(app, '/v1/casualty-reports?event=azerbaijani-offensive-2023-09')
    const killed = body.data.find((c: any) => c.outcome === 'killed')
    const injured = body.data.find((c: any) => c.outcome === 'injured')
    expect(killed).toMatchObject({ low: 200, high: null, qualifier: 'at_least' })
    expect(injured).toMatchObject({ low: 401, high: null, qualifier: 'more_than' })
    expect(killed.citations[0]).toMatchObject({ paragraph: 4, locator: 'para. 4', source: { publisher: 'Financial Times', publishedDate: '2023-09-24' } })
  })

  it('South Caucasus, the enclave, stands in paragraph 3 of the report, as the design counts them', async () => {
    // The stored text's first line is its heading; "There are 120,000 Armenians in ... the South
    // Caucasus" is the third paragraph after it.
    const { body } = await getJson(app, '/v1/displacement-counts?metric=population_at_risk')
    expect(body.data[0].citations).toEqual([expect.objectContaining({ paragraph: 3, locator: 'para. 3', quote: 'There are 120,000 Armenians' })])
  })

  it("Pashinyan's words on the security groups and allies stand in paragraph 14, the report's last; no citation names a paragraph past it", async () => {
    const { body } = await getJson(app, '/v1/statements/pashinyan-security-allies')
    expect(body.data.citations).toEqual([expect.objectContaining({ paragraph: 14, locator: 'para. 14', quote: expect.stringMatching(/^The security groups and allies/) })])
    const exported = await app().inject('/v1/export?format=csv&resource=citations')
    const [head, ...lines] = exported.body.trim().split('\n').map((l) => l.split(','))
    const at = (name: string) => head!.indexOf(name)
    const paragraphs = lines.filter((l) => l[at('source_id')] === FT).map((l) => Number(l[at('paragraph')]))
    expect(paragraphs.length).toBeGreaterThan(50)
    expect(Math.max(...paragraphs)).toBe(FT_PARAGRAPHS)
    expect(Math.min(...paragraphs)).toBeGreaterThanOrEqual(1)
  })

  it('377 refugees arrived in southern Armenia as of 18:00 UTC+4 on 24 September 2023, via CivilNet citing Armenian authorities', async () => {
    const { body } = await getJson(app, '/v1/displacement-counts?metric=arrived')
    expect(body.data).toHaveLength(1)
    // "6 pm" names an hour, not a minute.
    expect(body.data[0]).toMatchObject({ best: 377, qualifier: 'exact', asOf: '2023-09-24T18:00+04:00', asOfPrecision: 'hour', asOfSortKey: '2023-09-24T14:00:00.000Z',
      relayedBy: { id: 'civilnet' }, reportedBy: { id: 'armenian-authorities' }, destination: { id: 'southern-armenia' } })
    expect(body.data[0].asOfNote).toContain('Asia/Yerevan')
  })

  it('five peacekeepers killed by Azerbaijani forces in the attack whose toll was at least 200, so the two are not added', async () => {
    const { body } = await getJson(app, '/v1/casualty-reports?victimGroup=peacekeepers')
    // Para. 12: "after the attack, in which five peacekeepers were accidentally killed".
    expect(body.data[0]).toMatchObject({ best: 5, qualifier: 'exact', outcome: 'killed', perpetratorActor: { id: 'azerbaijani-armed-forces' },
      eventId: 'azerbaijani-offensive-2023-09' })
    const year = (await getJson(app, '/v1/stats/events?groupBy=period&period=year&from=2023&to=2023&measures=killed')).body.data[0]
    expect(year.figures.killed).toMatchObject({ low: 200, lowIfDisjoint: 205, best: null })
  })

  it('"There are 120,000 Armenians" is served as worded: no qualifier the report does not give', async () => {
    const { body } = await getJson(app, '/v1/displacement-counts/nagorno-karabakh-armenian-population')
    expect(body.data).toMatchObject({ best: 120000, qualifier: 'exact', reportedPhrase: 'There are 120,000 Armenians' })
  })

  it('the promised escort by Russian peacekeepers stays a claim of its speaker, not a party to the exodus', async () => {
    const { body } = await getJson(app, '/v1/events/exodus-from-nagorno-karabakh-begins')
    expect(body.data.actors.map((a: { id: string }) => a.id)).not.toContain('russian-peacekeepers')
    expect(body.data.statements.map((s: { id: string }) => s.id)).toContain('nagorno-karabakh-leader-peacekeeper-escort')
  })

  it("the report's publication date, absent from its text, says how it was inferred", async () => {
    const { body } = await getJson(app, `/v1/sources/${FT}`)
    expect(body.data.publishedDate).toBe('2023-09-24')
    expect(body.data.note).toMatch(/publication date is inferred/)
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

describe('what the timeline says about dates can be checked', () => {
  const sources = new Map(seed.sources.map((s) => [s.id, s]))
  const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  const dated = [
    ...seed.events.map((e) => ({ kind: 'event', id: e.id, basis: e.dateBasis, note: e.dateNote ?? null, citations: e.citations })),
    ...seed.statements.map((s) => ({ kind: 'statement', id: s.id, basis: s.dateBasis, note: s.dateNote ?? null, citations: s.citations })),
    ...seed.displacementCounts.map((d) => ({ kind: 'displacement count', id: d.id, basis: d.asOfBasis, note: d.asOfNote ?? null, citations: d.citations })),
  ]
  const external = dated.filter((d) => d.basis === 'external')

  it('the external references are public pages with a url, publisher and date', () => {
    expect(external.length).toBeGreaterThanOrEqual(9)
    const cited = new Set(external.flatMap((d) => d.citations.map((c) => c.source)))
    for (const id of cited) {
      const s = sources.get(id)
      expect(s, id).toBeDefined()
      if (id === 'ft-2023-09-24') continue
      expect(s!.url, id).toMatch(/^https:\/\//)
      expect(s!.note, id).toMatch(/stored public copy/)
    }
  })

  it.each(external.map((d) => [`${d.kind} ${d.id}`, d]))('%s: the note names the external reference the record cites', (_name, d) => {
    expect(d.note).not.toBeNull()
    const named = d.citations.filter((c) => c.source !== 'ft-2023-09-24').map((c) => ({ c, s: sources.get(c.source)! }))
      .filter(({ s }) => d.note!.includes(s.publisher) && d.note!.includes(longDate(s.publishedDate))
        && (s.title === null ? d.note!.includes('headline not recorded') : d.note!.includes(s.title)))
    if (named.length === 0) {
      expect(d.note, 'an unnamed external date must say it is not sourced').toMatch(/not sourced in this dataset/)
    } else {
      expect(named[0]!.c.locator ?? named[0]!.c.paragraph, 'the citation locates the passage').toBeTruthy()
    }
    expect(d.note).not.toMatch(/from external reference/)
  })

  it('the six dates of the September 2023 events name their sources, served with a link and a locator', async () => {
    const six = ['azerbaijani-offensive-2023-09', 'ceasefire-2023-09-20', 'yevlakh-talks-2023-09-21', 'russian-peacekeepers-killed-2023-09',
      'aliyev-apology-to-putin', 'russian-peacekeepers-do-not-intervene']
    for (const id of six) {
      const e = (await getJson(app, `/v1/events/${id}`)).body.data
      expect(e.dateBasis, id).toBe('external')
      const refs = e.citations.filter((c: any) => c.source.id !== 'ft-2023-09-24')
      expect(refs.length, id).toBeGreaterThan(0)
      for (const c of refs) {
        expect(c.source.url, id).toMatch(/^https:\/\//)
        expect(e.dateNote, id).toContain(c.source.publisher)
        expect(c.locator, id).toMatch(/para/)
      }
      const page = await app().inject({ method: 'GET', url: `/events/${id}` })
      expect(page.body, id).toContain(refs[0].source.url)
    }
  })

  it('no date is silently set to the day of the report', () => {
    for (const d of dated) expect(d.note ?? '', d.id).not.toMatch(/taken to be the day of the report/)
    const address = seed.events.find((e) => e.id === 'pashinyan-address-to-the-nation')!
    expect(address).toMatchObject({ start: '2023-09', datePrecision: 'month' })
    expect(address.dateNote).toMatch(/not sourced in this dataset/)
  })

  it('events known only to a month or year never sort before the events that caused them', async () => {
    const order = (await getJson(app, '/v1/events?limit=200&sort=date')).body.data.map((e: any) => e.id)
    const { body } = await gql(app, '{ events(first: 200, orderBy: DATE_ASC) { nodes { id: recordId } } }')
    expect(body.data.events.nodes.map((e: any) => e.id)).toEqual(order)
    const causes: [string, string][] = [
      ['azerbaijani-offensive-2023-09', 'moscow-restrained-response'],
      ['azerbaijani-offensive-2023-09', 'azerbaijan-takes-control-of-enclave'],
      ['russian-peacekeepers-killed-2023-09', 'moscow-restrained-response'],
      ['russian-peacekeepers-killed-2023-09', 'aliyev-apology-to-putin'],
      ['ceasefire-2023-09-20', 'yevlakh-talks-2023-09-21'],
      ['exodus-from-nagorno-karabakh-begins', 'pashinyan-address-to-the-nation'],
      ['agreement-2020', 'russian-peacekeeping-deployment-2020'],
      ['velvet-revolution-2018', 'yerevan-moscow-relations-deteriorate'],
    ]
    for (const [cause, effect] of causes) expect(order.indexOf(cause), `${cause} before ${effect}`).toBeLessThan(order.indexOf(effect))
    expect(order.indexOf('yerevan-moscow-relations-deteriorate')).toBeLessThan(order.indexOf('agreement-2020'))
  })
})
