import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// A connection's totalCount reads every match (13 s on the event loop at a million events for
// events of two types with a figure range), and casualty reports by update time beside an outcome
// are read apart in the file: both run on the stats workers, and must answer what the loop answers.
describe('GraphQL totals and slow casualty pages on the stats workers', () => {
  const QUERIES = [
    '{ events(first: 3, filter: { type: [ATTACK, OFFENSIVE], minKilled: 1 }) { totalCount nodes { id } } }',
    '{ events(first: 2, filter: { from: "2021", to: "2022" }) { totalCount pageInfo { hasNextPage endCursor } } }',
    '{ casualtyReports(first: 4, filter: { outcome: KILLED }) { totalCount nodes { id low } } }',
    '{ casualtyReports(first: 4, filter: { outcome: KILLED, updatedSince: "2000-01-01" }) { totalCount nodes { id low event { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }',
    '{ displacementCounts(first: 2) { totalCount nodes { id } } }',
    '{ statements(first: 2) { totalCount nodes { id } } }',
  ]

  it('answer as the event loop does, and go through the pool', async () => {
    const path = join(tempDir(), 'counts.db')
    const workers = await buildTestApp({ databasePath: path, statsWorkers: 1, statsQueueMax: 1 })
    const inline = await buildTestApp({ databasePath: path, statsWorkers: 0, seedOnStart: false })
    synthesise(inline.storage.sqlite, { events: 2500 })
    const gql = (app: typeof workers, query: string) => app.inject({ method: 'POST', url: '/graphql', payload: { query } })
    for (const query of QUERIES) {
      const a = await gql(workers, query), b = await gql(inline, query)
      expect(a.json().errors, query).toBeUndefined()
      expect(a.body, query).toBe(b.body)
    }
    const page = (await gql(workers, QUERIES[3]!)).json().data.casualtyReports
    expect(page.totalCount).toBeGreaterThan(4)
    const after = `{ casualtyReports(first: 4, after: "${page.pageInfo.endCursor}", filter: { outcome: KILLED, updatedSince: "2000-01-01" }) { nodes { id } pageInfo { hasPreviousPage } } }`
    const a = await gql(workers, after), b = await gql(inline, after)
    expect(a.json().data.casualtyReports.pageInfo.hasPreviousPage).toBe(true)
    expect(a.body).toBe(b.body)
    // One thread and room for one waiting task refuse part of a burst of totals; pages without a
    // total stay on the event loop and never meet the bound.
    const burst = (query: string) => Promise.all(Array.from({ length: 8 }, (_, i) => gql(workers, query.replace('first: 3', `first: ${3 + i}`))))
    const codes = (rs: { json(): { errors?: { extensions?: { code?: string } }[] } }[]) => rs.map((r) => r.json().errors?.[0]?.extensions?.code ?? 'ok')
    expect(codes(await burst(QUERIES[0]!))).toContain('STATS_BUSY')
    expect(codes(await burst('{ events(first: 3, filter: { type: [ATTACK, OFFENSIVE], minKilled: 1 }) { nodes { id } } }')).every((c) => c === 'ok')).toBe(true)
    await workers.close()
    await inline.close()
  })
})
