import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'

// Bounds must agree with each other and with the qualifier they were reported with; stats add and
// compare them, so a contradiction would be counted as something the source did not say.
describe('casualty and displacement figures agree with their qualifier', () => {
  const base = { eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'people', reportedPhrase: 'as reported', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }] }
  const BAD: [object, string, RegExp][] = [
    [{ low: 10, high: 20, qualifier: 'at_least' }, 'high', /no upper bound/],
    [{ high: 20, qualifier: 'more_than' }, 'low', /lower bound/],
    [{ low: 3, high: 9, qualifier: 'exact' }, 'qualifier', /one value/],
    [{ low: 5, best: 6, qualifier: 'exact' }, 'qualifier', /one value/],
    [{ low: 3, qualifier: 'up_to' }, 'high', /upper bound/],
    [{ low: 10, high: 10, best: 99, qualifier: 'about' }, 'best', /must not exceed high \(10\)/],
    [{ low: 30, high: 40, best: 1, qualifier: 'about' }, 'best', /must not be below low \(30\)/],
    // Past a billion: sums of such figures would no longer be exact, and no report counts so many.
    [{ low: 5_000_000_000_000_000, qualifier: 'at_least' }, 'low', /at most 1,000,000,000/],
  ]
  const GOOD = [
    { low: 200, qualifier: 'at_least' }, { low: 401, qualifier: 'more_than' }, { low: 5, high: 5, best: 5, qualifier: 'exact' },
    { best: 7, qualifier: 'exact' }, { high: 50, qualifier: 'up_to' }, { low: 0, high: 50, qualifier: 'up_to' },
    { low: 30, high: 40, best: 35, qualifier: 'about' }, { best: 120000, qualifier: 'about' },
  ]

  it('refuses a contradiction with a 400 naming the field, over REST and GraphQL, and writes nothing', async () => {
    const app = await buildTestApp()
    const auth = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
    const count = () => app.storage.sqlite.prepare('SELECT count(*) FROM casualty_reports').pluck().get() as number
    const before = count()
    for (const [figure, field, message] of BAD) {
      const res = await app.inject({ method: 'POST', url: '/v1/casualty-reports', headers: auth, payload: { ...base, ...figure } })
      expect(res.statusCode, JSON.stringify(figure)).toBe(400)
      const problem = res.json()
      expect(problem.code).toBe('VALIDATION_FAILED')
      expect(problem.errors.find((e: { parameter: string }) => e.parameter.endsWith(field))?.message, JSON.stringify(figure)).toMatch(message)
    }
    const g = (await app.inject({ method: 'POST', url: '/graphql', headers: auth, payload: {
      query: 'mutation ($i: CasualtyReportInput!) { createCasualtyReport(input: $i) { id } }',
      variables: { i: { ...base, outcome: 'KILLED', victimGroup: 'PEOPLE', low: 10, high: 20, qualifier: 'AT_LEAST' } },
    } })).json()
    expect(g.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED')
    expect(JSON.stringify(g.errors)).toMatch(/no upper bound/)
    expect(count()).toBe(before)
    for (const figure of GOOD) {
      const res = await app.inject({ method: 'POST', url: '/v1/casualty-reports', headers: auth, payload: { ...base, ...figure } })
      expect(res.statusCode, JSON.stringify(figure)).toBe(201)
    }
    expect(count()).toBe(before + GOOD.length)
    await app.close()
  })

  it('checks the record a PATCH leaves, and displacement counts too', async () => {
    const app = await buildTestApp()
    const auth = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
    const url = '/v1/casualty-reports/offensive-killed-at-least-200'
    const etag = (await app.inject({ url })).headers.etag as string
    // "At least 200" given an upper bound by a PATCH that names only the bound.
    const patched = await app.inject({ method: 'PATCH', url, headers: { ...auth, 'if-match': etag }, payload: { high: 250 } })
    expect(patched.statusCode).toBe(400)
    expect(patched.json().errors[0].message).toMatch(/no upper bound/)
    expect((await app.inject({ url })).json().data.high).toBeNull()
    const displaced = await app.inject({ method: 'POST', url: '/v1/displacement-counts', headers: auth, payload: {
      eventId: 'exodus-from-nagorno-karabakh-begins', metric: 'arrived', low: 377, high: 377, best: 400, qualifier: 'exact',
      reportedPhrase: 'as reported', asOf: '2023-09-24', asOfPrecision: 'day', asOfBasis: 'stated', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 10 }],
    } })
    expect(displaced.statusCode).toBe(400)
    expect(displaced.json().errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/must not exceed high \(377\)/)
    await app.close()
  })
})
