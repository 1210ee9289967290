import { describe, expect, it } from 'vitest'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp, gql, versionReadAgain } from '../helper.ts'

const NESTED = `query ($first: Int) { events(first: $first, filter: { from: "2024" }) {
  totalCount
  nodes {
    id place { name parent { name } }
    actors { role actor { name affiliation { name } } }
    casualtyReports(first: 5) { nodes { low qualifier reportedBy { name } citations { locator source { publisher } } } }
    statements(first: 5) { totalCount nodes { quote speaker { name } events { id } citations { locator } } }
    citations { locator quote source { publisher } }
  }
} }`

describe('GraphQL relations are batched', () => {
  it('runs a number of SQL statements that does not grow with the page size', async () => {
    // The response cache would answer repeated queries without SQL; this test counts SQL.
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 200)
    const counts: Record<number, number> = {}
    // Mercurius compiles a query with graphql-jit on its second run; measure the compiled form.
    await gql(app, NESTED, { first: 10 })
    for (const first of [10, 50, 100, 150]) {
      await versionReadAgain()
      const before = app.storage.statements.count
      const { body } = await gql(app, NESTED, { first })
      counts[first] = app.storage.statements.count - before
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
      expect(body.data.events.nodes).toHaveLength(first)
      expect(body.data.events.nodes[first - 1].casualtyReports.nodes[0].citations[0].source.publisher).toBe('Financial Times')
    }
    console.log('SQL statements per nested GraphQL request, by page size', counts)
    expect(counts[100]).toBe(counts[50])
    expect(counts[150]).toBe(counts[50])
    // To-one loaders skip their statement when no row on the page has that relation, so a small
    // page can run one or two fewer; it never runs more.
    expect(counts[10]).toBeLessThanOrEqual(counts[50]!)
    expect(counts[50]! - counts[10]!).toBeLessThanOrEqual(2)
    // A query this deep is still a handful of statements, not one per row.
    expect(counts[10]).toBeLessThan(25)
  })
})
