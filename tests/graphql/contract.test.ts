import { getNamedType, isEnumType, isNonNullType, isScalarType, type GraphQLNamedType } from 'graphql'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, gql, sharedApp } from '../helper.ts'

const app = sharedApp()
const RECORDS = ['Event', 'Actor', 'Place', 'Source', 'Statement', 'CasualtyReport', 'DisplacementCount']
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

describe('dates and instants have scalars with documented formats', () => {
  it('declares DateTime, Date and PartialDate with descriptions, and uses them for every date field', () => {
    const schema = app().graphql.schema
    for (const name of ['DateTime', 'Date', 'PartialDate']) {
      const t = schema.getType(name)!
      expect(isScalarType(t), name).toBe(true)
      expect(t.description?.length, name).toBeGreaterThan(40)
    }
    expect((schema.getType('DateTime') as { specifiedByURL?: string }).specifiedByURL).toMatch(/rfc3339/)
    expect(schema.getType('PartialDate')!.description).toMatch(/2023-09/)
    // No field that holds a date or an instant is a bare String any more.
    const dateLike = /(At|Date|SortKey|^start$|^end$|^asOf$|^from$|^to$|^updatedSince$|^saidAt$)$/
    for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith('__') || !('getFields' in type)) continue
      for (const f of Object.values((type as unknown as { getFields(): Record<string, { name: string, type: never }> }).getFields())) {
        if (dateLike.test(f.name)) expect((getNamedType(f.type) as unknown as GraphQLNamedType).name, `${type.name}.${f.name}`).not.toBe('String')
      }
    }
  })

  it('serves instants as RFC 3339 UTC and reported dates at their precision', async () => {
    const { body } = await gql(app(), `{ events(first: 200) { nodes { start startSortKey createdAt updatedAt datePrecision } }
      sources(first: 1) { nodes { publishedDate } } dataset { updatedAt } }`)
    for (const e of body.data.events.nodes) {
      for (const k of ['startSortKey', 'createdAt', 'updatedAt']) expect(e[k]).toMatch(RFC3339_UTC)
      const forms: Record<string, RegExp> = { YEAR: /^\d{4}$/, MONTH: /^\d{4}-\d{2}$/, DAY: /^\d{4}-\d{2}-\d{2}$/, HOUR: /T/, MINUTE: /T/ }
      expect(e.start).toMatch(forms[e.datePrecision]!)
    }
    expect(body.data.sources.nodes[0].publishedDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(body.data.dataset.updatedAt).toMatch(RFC3339_UTC)
  })

  it('refuses a date argument in the wrong form before running, as a validation error', async () => {
    for (const bad of ['"last week"', '"2023-9-1"', '"20230901"', '2023']) {
      const res = await app().inject({ method: 'POST', url: '/graphql', payload: { query: `{ events(filter: { from: ${bad} }) { totalCount } }` } })
      expect(res.statusCode, bad).toBe(400)
      expect(res.json().errors[0].extensions.code, bad).toBe('GRAPHQL_VALIDATION_FAILED')
    }
    const variable = await gql(app(), 'query ($f: PartialDate) { events(filter: { from: $f }) { totalCount } }', { f: 'soon' })
    expect(variable.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const ok = await gql(app(), 'query ($f: PartialDate) { events(filter: { from: $f }) { totalCount } }', { f: '2023-09-24T18:00+04:00' })
    expect(ok.body.errors).toBeUndefined()
  })
})

describe('every record exposes the tag If-Match wants', () => {
  it('has a non-null etag on every record type, and ifMatch is non-null on every update and delete', () => {
    const schema = app().graphql.schema
    for (const name of RECORDS) {
      const fields = (schema.getType(name) as unknown as { getFields(): Record<string, { type: never }> }).getFields()
      expect(String(fields.etag?.type), name).toBe('String!')
    }
    const mutations = Object.values(schema.getMutationType()!.getFields())
    const guarded = mutations.filter((m) => /^(update|delete)/.test(m.name))
    expect(guarded).toHaveLength(14)
    for (const m of guarded) expect(isNonNullType(m.args.find((a) => a.name === 'ifMatch')!.type), m.name).toBe(true)
  })

  it('writes with a record\'s etag, refuses a stale one, and hands back the next', async () => {
    const local = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(local.storage.sqlite, 'editor', 'editor').key}` }
    const post = (query: string, variables?: object) => local.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query, variables } })
    const read = async () => (await gql(local, '{ actor(id: "kremlin") { etag name } }')).body.data.actor as { etag: string, name: string }
    const first = await read()
    expect(first.etag).toMatch(/^"v\d+-json"$/)
    const update = 'mutation ($tag: String!, $name: String!) { updateActor(id: "Actor:kremlin", patch: { name: $name }, ifMatch: $tag) { etag name } }'
    const ok = (await post(update, { tag: first.etag, name: 'The Kremlin' })).json()
    expect(ok.errors).toBeUndefined()
    expect(ok.data.updateActor.etag).not.toBe(first.etag)
    expect((await read()).etag).toBe(ok.data.updateActor.etag)
    // An unrelated write leaves this record's tag alone, so it still guards the next change.
    await post('mutation { createSource(input: { publisher: "X", publishedDate: "2023-09-24", kind: NEWS_REPORT, language: "en" }) { recordId } }')
    expect((await read()).etag).toBe(ok.data.updateActor.etag)
    const stale = (await post(update, { tag: first.etag, name: 'Stale' })).json()
    expect(stale.errors[0].extensions.code).toBe('PRECONDITION_FAILED')
    // The same tag works on REST as If-Match.
    const rest = await local.inject({ method: 'PATCH', url: '/v1/actors/kremlin', headers: { ...editor, 'if-match': ok.data.updateActor.etag }, payload: { description: 'x' } })
    expect(rest.statusCode).toBe(200)
  })
})

describe('enums: one casing per transport', () => {
  it('writes every GraphQL enum value in upper case, and record types as an enum everywhere', () => {
    const schema = app().graphql.schema
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isEnumType(type) || type.name.startsWith('__')) continue
      for (const v of type.getValues()) expect(v.name, type.name).toMatch(/^[A-Z][A-Z0-9_]*$/)
    }
    const recordType = (t: string) => String((schema.getType(t) as unknown as { getFields(): Record<string, { type: unknown }> }).getFields().recordType!.type)
    expect(recordType('TimelineChange')).toBe('RecordType!')
    expect(recordType('Deletion')).toBe('RecordType!')
    expect(recordType('SearchHit')).toBe('SearchRecordType!')
  })

  it('REST filters take a vocabulary value in either case and answer the same', async () => {
    for (const [lower, upper] of [
      ['/v1/casualty-reports?outcome=killed', '/v1/casualty-reports?outcome=KILLED'],
      ['/v1/events?type=offensive,ceasefire', '/v1/events?type=OFFENSIVE,ceasefire'],
      ['/v1/events?actor=azerbaijan&role=initiator', '/v1/events?actor=azerbaijan&role=INITIATOR'],
      ['/v1/actors?kind=person', '/v1/actors?kind=PERSON'],
      ['/v1/places?kind=city', '/v1/places?kind=CITY'],
      ['/v1/displacement-counts?metric=population_at_risk', '/v1/displacement-counts?metric=POPULATION_AT_RISK'],
      ['/v1/statements?medium=address_to_the_nation', '/v1/statements?medium=ADDRESS_TO_THE_NATION'],
    ]) {
      const a = await getJson(app(), lower!)
      const b = await getJson(app(), upper!)
      expect(a.status, lower).toBe(200)
      expect(b.status, upper).toBe(200)
      expect(b.body.data, upper).toEqual(a.body.data)
      expect(a.body.data.length, lower).toBeGreaterThan(0)
    }
    // Either case, not any case: the two spellings the transports use.
    for (const bad of ['/v1/casualty-reports?outcome=Killed', '/v1/events?type=Offensive', '/v1/actors?kind=persons']) {
      expect((await getJson(app(), bad)).status, bad).toBe(400)
    }
  })
})
