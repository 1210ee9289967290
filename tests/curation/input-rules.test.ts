import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { endsBeforeStart, fitsPrecision } from '../../src/domain/dates.ts'
import type { DatePrecision } from '../../src/domain/vocabulary.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import type { App } from '../../src/app.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// Rules every write follows, REST, GraphQL and imports alike, because they sit in the shared write
// schemas: no control characters in text, dates written at their precision with an end that does
// not come before its start, and no citation given twice.

const CITE = [{ sourceId: 'ft-2023-09-24', paragraph: 5 }]
const EVENT = { title: 'T', summary: 'S', type: 'attack', start: '2023-09-25', datePrecision: 'day', dateBasis: 'stated', citations: CITE }
const SOURCE = { publisher: 'P', publishedDate: '2023-09-25', kind: 'news_report', language: 'en' }
const STATEMENT = { speakerId: 'kremlin', saidAt: '2023-09-22', datePrecision: 'day', dateBasis: 'stated', medium: 'speech', summary: 'x', citations: CITE }
const DISPLACED = { metric: 'arrived', best: 5, qualifier: 'exact', reportedPhrase: '5', asOf: '2023-09-25', asOfPrecision: 'day', asOfBasis: 'stated', citations: CITE }

async function setup() {
  const app = await buildTestApp()
  const auth = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: auth, payload })
  const graphql = async (query: string, variables: object) => (await app.inject({ method: 'POST', url: '/graphql', headers: auth, payload: { query, variables } })).json()
  return { app, auth, post, graphql }
}

type Problem = { parameter: string, message: string }
/** The message given for one field of a 400, failing when the write was not refused. */
function refusal(res: { statusCode: number, json(): any, body: string }, parameter: string): string {
  expect(res.statusCode, res.body).toBe(400)
  expect(res.json().code).toBe('VALIDATION_FAILED')
  const found = (res.json().errors as Problem[]).find((e) => e.parameter === parameter)
  expect(found, `${parameter} in ${res.body}`).toBeDefined()
  return found!.message
}

const count = (app: App, table: string) => app.storage.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

describe('text fields refuse control characters', () => {
  const CONTROL = /holds a control character \(U\+00(00|01|07|0B|1B|7F)\)/

  it('REST: each text field is named, nothing is written; tab, line feed and carriage return pass', async () => {
    const { app, post } = await setup()
    const sources = count(app, 'sources')
    const cases: [string, object, string][] = [
      ['/v1/sources', { ...SOURCE, publisher: 'x\u0000y' }, 'publisher'],
      // Two NULs passed the two-character minimum.
      ['/v1/sources', { ...SOURCE, language: '\u0000\u0000' }, 'language'],
      ['/v1/sources', { ...SOURCE, title: '\u001b[31mred' }, 'title'],
      ['/v1/sources', { ...SOURCE, note: 'rub\u007fout' }, 'note'],
      ['/v1/sources', { ...SOURCE, url: 'https://example.org/a\u0001b' }, 'url'],
      ['/v1/actors', { name: 'A', kind: 'person', aliases: ['fine', 'tab\u000bbed'] }, 'aliases.1'],
      ['/v1/events', { ...EVENT, citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5, quote: 'ring \u0007' }] }, 'citations.0.quote'],
      ['/v1/events', { ...EVENT, placeId: 'baku\u0000' }, 'placeId'],
      ['/v1/statements', { ...STATEMENT, summary: 'said \u0001' }, 'summary'],
    ]
    for (const [url, body, field] of cases) expect(refusal(await post(url, body), field), field).toMatch(CONTROL)
    expect(count(app, 'sources')).toBe(sources)
    const ok = await post('/v1/events', { ...EVENT, summary: 'first line\r\n\tsecond line\n' })
    expect(ok.statusCode, ok.body).toBe(201)
    expect(ok.json().data.summary).toBe('first line\r\n\tsecond line')
    await app.close()
  })

  it('half a surrogate pair is refused naming the field, a whole pair (an emoji) is kept as sent', async () => {
    const { app, post, graphql } = await setup()
    const HALF = /holds half of a surrogate pair \(\\u(d800|dbff|dc00|dfff)\)/
    const cases: [string, object, string][] = [
      ['/v1/sources', { ...SOURCE, publisher: 'A\ud800B' }, 'publisher'],
      ['/v1/sources', { ...SOURCE, title: 'end \udbff' }, 'title'],
      ['/v1/actors', { name: 'A', kind: 'person', aliases: ['\udc00 first'] }, 'aliases.0'],
      // Two halves in the wrong order are two lone halves.
      ['/v1/statements', { ...STATEMENT, summary: 'said \udfff\ud800' }, 'summary'],
    ]
    for (const [url, body, field] of cases) expect(refusal(await post(url, body), field), field).toMatch(HALF)
    const g = await graphql('mutation ($i: SourceInput!) { createSource(input: $i) { id } }', { i: { ...SOURCE, kind: 'NEWS_REPORT', publisher: 'A\ud800B' } })
    expect(g.errors?.[0]?.extensions?.errors).toEqual([expect.objectContaining({ parameter: 'publisher', message: expect.stringMatching(HALF) })])
    const ok = await post('/v1/events', { ...EVENT, summary: 'a flag \ud83c\udde6\ud83c\uddf2 and more' })
    expect(ok.statusCode, ok.body).toBe(201)
    expect(ok.json().data.summary).toBe('a flag \u{1F1E6}\u{1F1F2} and more')
    expect((await app.inject({ url: `/v1/events/${ok.json().data.id}` })).json().data.summary).toBe('a flag \u{1F1E6}\u{1F1F2} and more')
    await app.close()
  })

  it('GraphQL and PATCH refuse them the same way', async () => {
    const { app, auth, graphql } = await setup()
    const g = await graphql('mutation ($i: SourceInput!) { createSource(input: $i) { id } }', { i: { ...SOURCE, kind: 'NEWS_REPORT', publisher: 'x\u0000y' } })
    expect(g.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED')
    expect(g.errors[0].extensions.errors).toEqual([expect.objectContaining({ parameter: 'publisher', message: expect.stringMatching(CONTROL) })])
    const url = '/v1/events/ceasefire-2023-09-20'
    const etag = (await app.inject({ url })).headers.etag as string
    const patched = await app.inject({ method: 'PATCH', url, headers: { ...auth, 'if-match': etag }, payload: { title: 'Cease\u0000fire' } })
    expect(refusal(patched, 'title')).toMatch(CONTROL)
    expect((await app.inject({ url })).json().data.title).not.toContain('\u0000')
    await app.close()
  })

  it('the NDJSON import rejects such a row naming the field, and imports the rest', async () => {
    const { app } = await setup()
    const path = join(tempDir(), 'control.ndjson')
    const line = (type: string, data: object) => JSON.stringify({ type, data })
    writeFileSync(path, [
      line('source', { id: 'nul-publisher', ...SOURCE, publisher: 'x\u0000y' }),
      line('source', { id: 'nul-language', ...SOURCE, language: '\u0000\u0000' }),
      line('source', { id: 'clean-source', ...SOURCE }),
      line('event', { id: 'bell-event', ...EVENT, citations: undefined, summary: 'ding\u0007' }),
      line('citation', { recordType: 'event', recordId: 'bell-event', sourceId: 'clean-source', paragraph: 1 }),
    ].join('\n') + '\n')
    const report = await importFile(app.storage.sqlite, { format: 'json', path })
    expect(report).toMatchObject({ rows: 4, imported: 1, rejectedRows: 3 })
    expect(report.rejected.map((r) => [r.externalId, r.reason.replace(/ \(U\+.*/, '')])).toEqual([
      ['source:nul-publisher', 'source "nul-publisher": publisher: holds a control character'],
      ['source:nul-language', 'source "nul-language": language: holds a control character'],
      ['event:bell-event', 'event "bell-event": summary: holds a control character'],
    ])
    await app.close()
  })
})

describe('dates are written at their precision, and an end does not come before its start', () => {
  const BAD: [object, string, RegExp][] = [
    // The outside finding: a year-only start with precision "day" and an end 33 years before it.
    [{ start: '2023', end: '1990-01-01', datePrecision: 'day' }, 'start', /datePrecision "day" takes a date written YYYY-MM-DD, not "2023"/],
    [{ start: '2023', end: '1990', datePrecision: 'year' }, 'end', /must not come before start \(2023\)/],
    [{ start: '2023-09', end: '2023-08', datePrecision: 'month' }, 'end', /must not come before start \(2023-09\)/],
    [{ start: '2023-09-20', end: '2023-09-19', datePrecision: 'day' }, 'end', /must not come before start \(2023-09-20\)/],
    // 13:59 UTC is before 18:00 at UTC+4 (14:00 UTC), though it reads later.
    [{ start: '2023-09-24T18:00+04:00', end: '2023-09-24T13:59Z', datePrecision: 'minute' }, 'end', /must not come before start/],
    [{ start: '2023-09-24', datePrecision: 'month' }, 'start', /datePrecision "month" takes a date written YYYY-MM, not "2023-09-24"/],
    [{ start: '2023-09', datePrecision: 'year' }, 'start', /"year" takes a date written YYYY,/],
    [{ start: '2023-09-24', datePrecision: 'minute' }, 'start', /"minute" takes a date written YYYY-MM-DDTHH:MM with a UTC offset/],
    [{ start: '2023-09-24T18:30+04:00', datePrecision: 'hour' }, 'start', /"hour" takes a date written YYYY-MM-DDTHH:00 with a UTC offset/],
    [{ start: '2023-09-24T18:00+04:00', datePrecision: 'day' }, 'start', /"day" takes a date written YYYY-MM-DD,/],
    [{ start: '2023-09-19', end: '2023-09', datePrecision: 'day' }, 'end', /"day" takes a date written YYYY-MM-DD, not "2023-09"/],
    // In UTC this is year 10000, whose ISO sort key ("+010000-…") sorted before every other event.
    [{ start: '9999-12-31T23:59-05:00', datePrecision: 'minute' }, 'start', /outside the years 0000 to 9999 once converted to UTC/],
    [{ start: '0000-01-01T01:00+02:00', datePrecision: 'hour' }, 'start', /outside the years 0000 to 9999 once converted to UTC/],
  ]
  const GOOD = [
    { start: '2023-09-19', end: '2023-09-20', datePrecision: 'day' }, { start: '2023-09-19', end: '2023-09-19', datePrecision: 'day' },
    { start: '2023-09', end: '2023-10', datePrecision: 'month' }, { start: '1991', end: '1991', datePrecision: 'year' },
    { start: '2023-09-24T18:00+04:00', datePrecision: 'hour' }, { start: '2023-09-24T18:05:30Z', datePrecision: 'minute' },
    // The same instant written at two offsets.
    { start: '2023-09-24T18:00+04:00', end: '2023-09-24T14:00Z', datePrecision: 'minute' },
    // Years below 100 are years, not 1900 to 1999.
    { start: '0050-03-01', datePrecision: 'day' }, { start: '0099', end: '0100', datePrecision: 'year' },
    { start: '9999-12-31T23:59+05:00', datePrecision: 'minute' },
  ]

  it('events over REST: each refusal names the field, nothing is written; consistent dates pass', async () => {
    const { app, post } = await setup()
    const before = count(app, 'events')
    for (const [dates, field, message] of BAD) expect(refusal(await post('/v1/events', { ...EVENT, ...dates }), field), JSON.stringify(dates)).toMatch(message)
    expect(count(app, 'events')).toBe(before)
    for (const dates of GOOD) {
      const res = await post('/v1/events', { ...EVENT, ...dates })
      expect(res.statusCode, `${JSON.stringify(dates)} ${res.body}`).toBe(201)
    }
    await app.close()
  })

  it('statements and displacement counts hold saidAt and asOf to their precision, over REST and GraphQL', async () => {
    const { app, post, graphql } = await setup()
    expect(refusal(await post('/v1/statements', { ...STATEMENT, saidAt: '2023' }), 'saidAt')).toMatch(/datePrecision "day" takes a date written YYYY-MM-DD, not "2023"/)
    expect(refusal(await post('/v1/displacement-counts', { ...DISPLACED, asOf: '2023-09', asOfPrecision: 'year' }), 'asOf')).toMatch(/asOfPrecision "year" takes a date written YYYY,/)
    expect((await post('/v1/statements', { ...STATEMENT, saidAt: '2023-09', datePrecision: 'month' })).statusCode).toBe(201)
    const g = await graphql('mutation ($i: EventInput!) { createEvent(input: $i) { id } }',
      { i: { ...EVENT, type: 'ATTACK', datePrecision: 'DAY', dateBasis: 'STATED', start: '2023-09-25', end: '2023-09-01' } })
    expect(g.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED')
    expect(g.errors[0].extensions.errors).toEqual([expect.objectContaining({ parameter: 'end', message: 'must not come before start (2023-09-25)' })])
    await app.close()
  })

  it('a PATCH that changes only the precision or only the end is checked against the record it leaves', async () => {
    const { app, auth } = await setup()
    const url = '/v1/events/azerbaijani-offensive-2023-09'
    const patch = async (payload: object) => app.inject({ method: 'PATCH', url, headers: { ...auth, 'if-match': (await app.inject({ url })).headers.etag as string }, payload })
    expect(refusal(await patch({ datePrecision: 'month' }), 'start')).toMatch(/"month" takes a date written YYYY-MM, not "2023-09-19"/)
    expect(refusal(await patch({ end: '2023-09-18' }), 'end')).toMatch(/must not come before start \(2023-09-19\)/)
    expect((await app.inject({ url })).json().data).toMatchObject({ start: '2023-09-19', end: '2023-09-20', datePrecision: 'day' })
    expect((await patch({ start: '2023-09', end: '2023-09', datePrecision: 'month' })).statusCode).toBe(200)
    await app.close()
  })

  it('the seed and the synthetic generator keep these rules', async () => {
    const { app } = await setup()
    synthesise(app.storage.sqlite, { events: 3000 })
    const rows = app.storage.sqlite.prepare(`
      SELECT id, start AS date, "end", date_precision AS precision FROM events
      UNION ALL SELECT id, said_at, NULL, date_precision FROM statements
      UNION ALL SELECT id, as_of, NULL, as_of_precision FROM displacement_counts`).all() as { id: string, date: string, end: string | null, precision: DatePrecision }[]
    expect(rows.length).toBeGreaterThan(3000)
    const broken = rows.filter((r) => !fitsPrecision(r.date, r.precision) || (r.end !== null && (!fitsPrecision(r.end, r.precision) || endsBeforeStart(r.date, r.end))))
    expect(broken).toEqual([])
    const repeated = app.storage.sqlite.prepare(`SELECT record_type, record_id FROM citations
      GROUP BY record_type, record_id, source_id, paragraph, locator, quote HAVING count(*) > 1`).all()
    expect(repeated).toEqual([])
    // Figures read as their words: "more than N" is a lower bound of N + 1, "about N" a best estimate alone.
    const figures = app.storage.sqlite.prepare(`SELECT qualifier, low, high, best, reported_phrase AS phrase FROM casualty_reports WHERE id LIKE 'synth-%'`).all() as { qualifier: string, low: number | null, high: number | null, best: number | null, phrase: string }[]
    const stated = (f: { phrase: string }) => Number(f.phrase.split(' ').pop())
    expect(figures.filter((f) => f.qualifier === 'more_than' && f.low !== stated(f) + 1)).toEqual([])
    expect(figures.filter((f) => f.qualifier === 'about' && (f.low !== null || f.high !== null || f.best !== stated(f)))).toEqual([])
    expect(new Set(figures.map((f) => f.qualifier))).toEqual(new Set(['exact', 'at_least', 'more_than', 'about', 'up_to']))
    await app.close()
  })

  it('the synthetic generator stamps its records with the version it ends at, so the changes feed lists them', async () => {
    const { app } = await setup()
    const before = (await app.inject('/v1/dataset')).json().data.version as number
    synthesise(app.storage.sqlite, { events: 50 })
    const after = (await app.inject('/v1/dataset')).json().data.version as number
    expect(after).toBe(before + 1)
    const feed = (await app.inject(`/v1/changes?since=${before}&limit=200`)).json()
    const events = feed.data.filter((c: { recordType: string }) => c.recordType === 'event')
    expect(events).toHaveLength(50)
    expect(events.every((c: { version: number }) => c.version === after)).toBe(true)
    await app.close()
  })
})

describe('a citation given twice is refused', () => {
  it('over REST and GraphQL, naming the repeat and the citation it repeats; the stored locator counts', async () => {
    const { app, post, graphql } = await setup()
    const citations = count(app, 'citations')
    const twice = await post('/v1/events', { ...EVENT, citations: [CITE[0], { sourceId: 'ft-2023-09-24', paragraph: 3, quote: 'q' }, { sourceId: 'ft-2023-09-24', paragraph: 3, quote: 'q' }] })
    expect(refusal(twice, 'citations.2')).toBe('repeats citations.1: the same source, paragraph, locator and quote')
    // No locator is stored as "para. 5", so these two are the same citation.
    expect(refusal(await post('/v1/casualty-reports', {
      eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'people', low: 3, qualifier: 'at_least', reportedPhrase: 'at least 3',
      citations: [CITE[0], { ...CITE[0], locator: 'para. 5' }],
    }), 'citations.1')).toMatch(/repeats citations\.0/)
    expect(refusal(await post('/v1/actors', { name: 'A', kind: 'person', citations: [CITE[0], CITE[0]] }), 'citations.1')).toMatch(/repeats citations\.0/)
    const g = await graphql('mutation ($i: StatementInput!) { createStatement(input: $i) { id } }',
      { i: { ...STATEMENT, datePrecision: 'DAY', dateBasis: 'STATED', medium: 'SPEECH', citations: [CITE[0], CITE[0]] } })
    expect(g.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED')
    expect(g.errors[0].extensions.errors).toEqual([expect.objectContaining({ parameter: 'citations.1', message: expect.stringMatching(/repeats citations\.0/) })])
    expect(count(app, 'citations')).toBe(citations)
    // Another quote, paragraph or locator makes another citation.
    const distinct = await post('/v1/events', { ...EVENT, citations: [CITE[0], { ...CITE[0], quote: 'q' }, { ...CITE[0], paragraph: 6 }, { ...CITE[0], locator: 'headline' }] })
    expect(distinct.statusCode, distinct.body).toBe(201)
    expect(count(app, 'citations')).toBe(citations + 4)
    await app.close()
  })

  it('an import rejects a record whose citation lines repeat', async () => {
    const { app } = await setup()
    const path = join(tempDir(), 'repeat.ndjson')
    const citation = JSON.stringify({ type: 'citation', data: { recordType: 'event', recordId: 'cited-twice', sourceId: 'ft-2023-09-24', paragraph: 2, locator: 'para. 2', quote: null } })
    writeFileSync(path, [JSON.stringify({ type: 'event', data: { id: 'cited-twice', ...EVENT, citations: undefined } }), citation, citation].join('\n') + '\n')
    const report = await importFile(app.storage.sqlite, { format: 'json', path })
    expect(report).toMatchObject({ rows: 1, imported: 0, rejectedRows: 1 })
    expect(report.rejected[0]!.reason).toBe('event "cited-twice": citations.1: repeats citations.0: the same source, paragraph, locator and quote')
    await app.close()
  })
})

describe('a citation\'s paragraph', () => {
  it('is at most what GraphQL\'s Int carries, so every stored citation reads back over both transports', async () => {
    const { app, post } = await setup()
    const refused = await post('/v1/events', { ...EVENT, citations: [{ sourceId: 'ft-2023-09-24', paragraph: 3_000_000_000 }] })
    expect(refusal(refused, 'citations.0.paragraph')).toMatch(/at most 2147483647/)
    const largest = await post('/v1/events', { ...EVENT, title: 'Largest', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 2_147_483_647 }] })
    expect(largest.statusCode, largest.body).toBe(201)
    const id = largest.json().data.id
    const read = (await app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ event(id: "${id}") { citations { paragraph } } }` } })).json()
    expect(read).toEqual({ data: { event: { citations: [{ paragraph: 2_147_483_647 }] } } })
    await app.close()
  })
})

describe('the errors list of a refused write', () => {
  it('names each unknown field in an entry of its own, and a missing body as "body", over REST and GraphQL alike', async () => {
    const { app, auth, post, graphql } = await setup()
    const res = await post('/v1/sources', { ...SOURCE, startSortKey: 'x', createdAt: 'y', version: 3 })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors).toEqual(['startSortKey', 'createdAt', 'version'].map((parameter) => ({ parameter, in: 'body', message: 'unknown field' })))
    const etag = (await app.inject('/v1/sources/ft-2023-09-24')).headers.etag as string
    const empty = await app.inject({ method: 'PATCH', url: '/v1/sources/ft-2023-09-24', headers: { ...auth, 'if-match': etag }, payload: {} })
    expect(empty.statusCode).toBe(400)
    const viaRest = empty.json().errors.map((e: Problem) => e.parameter)
    const viaGraphql = await graphql('mutation ($m: String!) { updateSource(id: "ft-2023-09-24", ifMatch: $m, patch: {}) { id } }', { m: etag })
    expect(viaRest).toEqual(['body'])
    expect(viaGraphql.errors[0].extensions.errors.map((e: Problem) => e.parameter)).toEqual(viaRest)
    await app.close()
  })
})
