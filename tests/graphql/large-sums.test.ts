import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'

// Sums of figures pass GraphQL's 32-bit Int once a dataset is large (displaced people over many
// events); they are SafeInt, written as JSON numbers, with the compiled serialiser and without.
describe('figure sums past 2^31 in GraphQL', () => {
  for (const graphqlCompiledSerializer of [true, false]) {
    it(`answers them as numbers (compiled serialiser ${graphqlCompiledSerializer ? 'on' : 'off'})`, async () => {
      const app = await buildTestApp({ graphqlCompiledSerializer })
      const auth = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
      for (const [i, eventId] of ['ceasefire-2023-09-20', 'azerbaijani-offensive-2023-09', 'exodus-from-nagorno-karabakh-begins'].entries()) {
        for (const outcome of ['killed', 'injured']) {
          for (let k = 0; k < 2; k++) {
            const res = await app.inject({ method: 'POST', url: '/v1/casualty-reports', headers: auth, payload: {
              id: `big-${i}-${outcome}-${k}`, eventId, outcome, victimGroup: 'civilians', low: 1_000_000_000, high: 1_000_000_000, qualifier: 'exact',
              reportedPhrase: 'a billion', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
            } })
            expect(res.statusCode, res.body).toBe(201)
          }
        }
      }
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `{
        eventStats(groupBy: [], filter: { from: "2023" }) { rows { events figures { measure low lowIfDisjoint high } } }
        casualtySummary(filter: { victimGroup: CIVILIANS }) { outcome lowIfDisjoint high } }` } })
      const body = res.json()
      expect(body.errors).toBeUndefined()
      const killed = body.data.eventStats.rows[0].figures.find((f: { measure: string }) => f.measure === 'killed')
      // Each event's two reports may count the same people: low keeps the larger, lowIfDisjoint adds them.
      expect(killed.lowIfDisjoint).toBeGreaterThanOrEqual(6_000_000_000)
      expect(killed.low).toBeGreaterThanOrEqual(3_000_000_000)
      const civilians = body.data.casualtySummary.find((r: { outcome: string }) => r.outcome === 'KILLED')
      expect(civilians).toMatchObject({ lowIfDisjoint: 6_000_000_000, high: 6_000_000_000 })
      await app.close()
    })
  }
})
