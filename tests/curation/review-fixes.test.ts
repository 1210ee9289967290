import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, holdWriteLock, tempDir } from '../helper.ts'

async function setup(databasePath = ':memory:') {
  const app = await buildTestApp({ databasePath })
  const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
  const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
  return { app, editor, admin }
}

describe('write edge cases', () => {
  it('a record created again under a deleted id drops its tombstone', async () => {
    const { app, editor, admin } = await setup()
    const made = await app.inject({ method: 'POST', url: '/v1/actors', headers: editor, payload: { id: 'test-actor', name: 'Test Actor', kind: 'person' } })
    await app.inject({ method: 'DELETE', url: '/v1/actors/test-actor', headers: { ...admin, 'if-match': made.headers.etag as string } })
    expect((await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordId)).toContain('test-actor')
    const again = await app.inject({ method: 'POST', url: '/v1/actors', headers: editor, payload: { id: 'test-actor', name: 'Test Actor', kind: 'person' } })
    expect(again.statusCode).toBe(201)
    expect((await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordId)).not.toContain('test-actor')
  })

  it('If-Match must name a version this API issued, compared strongly; any tag of a list may match', async () => {
    const { app, editor } = await setup()
    const url = '/v1/actors/kremlin'
    const etag = (await app.inject({ method: 'GET', url })).headers.etag as string
    const patch = (ifMatch: string) => app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': ifMatch }, payload: { description: `x ${ifMatch}` } })
    expect((await patch('"v999999-json"')).statusCode).toBe(412)
    expect((await patch(`W/${etag}`)).statusCode).toBe(412)
    expect((await patch(`"v999999-json", ${etag}`)).statusCode).toBe(200)
  })

  it('refuses an affiliation that would make an actor part of itself', async () => {
    const { app, editor } = await setup()
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/government-of-azerbaijan' })).headers.etag as string
    const res = await app.inject({ method: 'PATCH', url: '/v1/actors/azerbaijan', headers: { ...editor, 'if-match': etag }, payload: { affiliationId: 'government-of-azerbaijan' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0]).toMatchObject({ parameter: 'affiliationId', message: expect.stringContaining('part of itself') })
  })

  it('refuses source URLs that are not http or https', async () => {
    const { app, editor } = await setup()
    const res = await app.inject({ method: 'POST', url: '/v1/sources', headers: editor, payload: { publisher: 'X', url: 'javascript:alert(1)', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].parameter).toBe('url')
  })

  it('a write waits for another process holding the write lock instead of failing', async () => {
    const { app, editor } = await setup(join(tempDir(), 'locked.db'))
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/kremlin' })).headers.etag as string
    const { exited } = await holdWriteLock(app.config.databasePath, 700)
    const started = Date.now()
    const res = await app.inject({ method: 'PATCH', url: '/v1/actors/kremlin', headers: { ...editor, 'if-match': etag }, payload: { description: 'written after the lock' } })
    expect(res.statusCode).toBe(200)
    expect(Date.now() - started).toBeGreaterThan(200)
    await exited
  }, 20_000)
})

describe('read edge cases', () => {
  it('the casualty summary takes only the bounds the wording gives', async () => {
    const { app, editor } = await setup()
    for (const [qualifier, fig] of [['about', { best: 120 }], ['up_to', { high: 50 }]] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/casualty-reports', headers: editor, payload: {
        eventId: 'azerbaijani-offensive-2023-09', outcome: 'missing', victimGroup: 'civilians', qualifier, reportedPhrase: `${qualifier} test`, ...fig, citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }] } })
      expect(res.statusCode).toBe(201)
    }
    const row = (await getJson(app, '/v1/casualty-reports/summary?outcome=missing')).body.data[0]
    expect(row).toMatchObject({ low: null, lowIfDisjoint: null, high: null, reportCount: 2 })
    expect(row.note).toMatch(/no lower bound/)
  })

  it('keeps Vary: Origin from CORS and answers 304 only for a real route', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://a.example'] })
    const res = await app.inject({ method: 'GET', url: '/v1/events?limit=1', headers: { origin: 'https://a.example' } })
    expect(String(res.headers.vary)).toMatch(/Origin/)
    expect(String(res.headers.vary)).toMatch(/Accept/)
    const etag = res.headers.etag as string
    expect((await app.inject({ method: 'GET', url: '/v1/nothing', headers: { 'if-none-match': etag } })).statusCode).toBe(404)
    // `*` matches any current representation (RFC 9110, 13.1.2): a list that answers is one.
    expect((await app.inject({ method: 'GET', url: '/v1/events?limit=1', headers: { 'if-none-match': '*' } })).statusCode).toBe(304)
  })

  it('a date filter at the end of the calendar still matches', async () => {
    const { app } = await setup()
    expect((await getJson(app, '/v1/events?to=9999&limit=200')).body.data.length).toBeGreaterThan(10)
  })

  it('GraphQL counts a defaulted page-size variable against the record budget, and bad variables are a 400', async () => {
    const { app } = await setup()
    const query = 'query ($n: Int = 200) { events(first: $n) { nodes { actors { actor { events(first: $n) { nodes { id } } } } } } }'
    const over = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
    expect(over.json().errors[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    const bad = await app.inject({ method: 'POST', url: '/graphql', payload: { query: 'query ($n: Int) { events(first: $n) { totalCount } }', variables: { n: 'five' } } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const first0 = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ actor(id: "azerbaijan") { events(first: 0) { nodes { id } } } }' } })
    expect(first0.json().errors[0].extensions.code).toBe('INVALID_PARAMETER')
  })

  it('on an in-memory database a write during an export still succeeds', async () => {
    const { app, editor } = await setup()
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/kremlin' })).headers.etag as string
    const [exported, written] = await Promise.all([
      app.inject({ method: 'GET', url: '/v1/export?format=ndjson' }),
      app.inject({ method: 'PATCH', url: '/v1/actors/kremlin', headers: { ...editor, 'if-match': etag }, payload: { description: 'during export' } }),
    ])
    expect(exported.statusCode).toBe(200)
    expect(written.statusCode).toBe(200)
  })
})
