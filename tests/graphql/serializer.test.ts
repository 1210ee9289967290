import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helper.ts'
import type { App } from '../../src/app.ts'

/** Queries of every shape the serializer describes, and some it leaves to JSON.stringify. */
const QUERIES: { query: string, variables?: Record<string, unknown>, operationName?: string }[] = [
  { query: '{ events(first: 20) { nodes { id title start end type place { name latitude longitude } actors { role actor { name kind } } casualtyReports { nodes { low high best qualifier reportedPhrase } } } pageInfo { hasNextPage endCursor } } }' },
  // Aliases, the same field twice merged, __typename, named and inline fragments.
  { query: 'query { a: events(first: 3) { nodes { ...E title } } b: events(first: 2, orderBy: DATE_DESC) { nodes { __typename id ... on Event { summary place { __typename id } } } } } fragment E on Event { id recordId title start }' },
  // Fields left out by @skip and @include.
  { query: 'query ($with: Boolean!) { events(first: 5) { nodes { id title @include(if: $with) summary @skip(if: $with) } } }', variables: { with: true } },
  { query: 'query ($with: Boolean!) { events(first: 5) { nodes { id title @include(if: $with) summary @skip(if: $with) } } }', variables: { with: false } },
  // Two operations, one chosen by name.
  { query: 'query One { events(first: 1) { nodes { id } } } query Two { actors(first: 4) { nodes { id name aliases kind } } }', operationName: 'Two' },
  // A JSON scalar (revisions' before and after) and enums.
  { query: '{ events(first: 2) { nodes { id revisions(first: 2) { nodes { id operation at before after } } } } }' },
  // An interface: left to JSON.stringify.
  { query: '{ node(id: "RXZlbnQ6YWhtYWRiZXlsaS1jaGVja3BvaW50") { __typename id ... on Event { title } } }' },
  // Text that JSON must escape.
  { query: '{ search(q: "ceasefire", first: 5) { nodes { recordType recordId title snippet rank } totalCount } }' },
]

async function answers(app: App) {
  const out: string[] = []
  for (const q of QUERIES) {
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: q })
    expect(res.statusCode, q.query).toBe(200)
    expect(res.headers['content-type'], q.query).toBe('application/json; charset=utf-8')
    expect(res.json().errors, `${q.query}: ${res.body.slice(0, 300)}`).toBeUndefined()
    out.push(res.body)
  }
  return out
}

describe('GraphQL answers written by a serializer made for their query', () => {
  it('are byte for byte what JSON.stringify writes, from the second time a query is seen', async () => {
    const compiled = await buildTestApp({ cacheMaxEntries: 0 })
    const plain = await buildTestApp({ cacheMaxEntries: 0, graphqlCompiledSerializer: false })
    const expected = await answers(plain)
    // The first time a document is seen it goes to JSON.stringify; then to its own serializer.
    expect(await answers(compiled)).toEqual(expected)
    expect(await answers(compiled)).toEqual(expected)
    for (const body of expected) expect(body).toBe(JSON.stringify(JSON.parse(body)))
    expect(expected[0]!.length).toBeGreaterThan(2000)
  })

  it('leave answers with errors as they were', async () => {
    const compiled = await buildTestApp({ cacheMaxEntries: 0 })
    const plain = await buildTestApp({ cacheMaxEntries: 0, graphqlCompiledSerializer: false })
    for (const query of ['{ event(id: "nope") { id title } }', '{ events(first: 2) { nodes { id } } actor(id: "x") { id } }']) {
      const a: string[] = [], b: string[] = []
      for (let i = 0; i < 2; i++) {
        a.push((await compiled.inject({ method: 'POST', url: '/graphql', payload: { query } })).body)
        b.push((await plain.inject({ method: 'POST', url: '/graphql', payload: { query } })).body)
      }
      expect(a).toEqual(b)
    }
  })
})
