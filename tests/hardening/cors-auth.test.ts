import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'

describe('CORS for browser clients on configured origins', () => {
  it('a preflight for a write allows the write methods and the key and version headers', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://desk.example'] })
    const res = await app.inject({
      method: 'OPTIONS', url: '/v1/events/ceasefire-2023-09-20',
      headers: { origin: 'https://desk.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, if-match, content-type' },
    })
    expect(res.statusCode).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe('https://desk.example')
    const methods = String(res.headers['access-control-allow-methods']).split(/,\s*/)
    expect(methods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS']))
    const headers = String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'if-match', 'if-none-match', 'content-type']))
  })

  it('answers an OPTIONS request that is no preflight (no Origin) with the methods, not an error', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://desk.example'] })
    const res = await app.inject({ method: 'OPTIONS', url: '/v1/events' })
    expect(res.statusCode).toBe(204)
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST']))
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('an origin not configured gets no allow-origin', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://desk.example'] })
    const res = await app.inject({ method: 'OPTIONS', url: '/v1/events', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('responses expose ETag, Link, Retry-After and X-Dataset-Version to scripts', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://desk.example'] })
    const res = await app.inject({ method: 'GET', url: '/v1/events?limit=1', headers: { origin: 'https://desk.example' } })
    expect(res.statusCode).toBe(200)
    expect(res.headers.etag).toBeDefined()
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/)
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'link', 'retry-after', 'x-dataset-version']))
  })

  it('a 429 from the rate limit carries the CORS headers, so a page can read its Retry-After and back off', async () => {
    const app = await buildTestApp({ corsOrigins: ['https://desk.example'], rateLimitMax: 2 })
    const headers = { origin: 'https://desk.example', 'x-forwarded-for': '203.0.113.9' }
    const statuses: number[] = []
    let last
    for (let i = 0; i < 4; i++) {
      last = await app.inject({ method: 'GET', url: '/v1/events?limit=1', headers })
      statuses.push(last.statusCode)
    }
    expect(statuses).toEqual([200, 200, 429, 429])
    expect(last!.headers['retry-after']).toBeDefined()
    expect(last!.headers['access-control-allow-origin']).toBe('https://desk.example')
    expect(String(last!.headers['access-control-expose-headers']).toLowerCase()).toContain('retry-after')
  })
})

describe('the Authorization header is the scheme and one key, nothing else', () => {
  it('a write without a valid key is refused before its body is read, so nobody can make the server parse for them', async () => {
    const app = await buildTestApp()
    // Not JSON at all: parsed first, it was a 400 about the body; unread, it is the 401.
    const junk = '['.repeat(10_000)
    for (const [method, url] of [['POST', '/v1/actors'], ['PATCH', '/v1/actors/armenia'], ['POST', '/v1/releases']] as const) {
      const res = await app.inject({ method, url, headers: { 'content-type': 'application/json', authorization: 'Bearer ctk_not_a_key' }, payload: junk })
      expect(res.statusCode, url).toBe(401)
      expect(res.json().code).toBe('UNAUTHORIZED')
    }
  })

  it('a valid key followed by anything is a 401; the bare key works', async () => {
    const app = await buildTestApp()
    const { key } = createKey(app.storage.sqlite, 'desk', 'editor')
    const body = { name: 'Header Test Group', kind: 'armed_group' }
    for (const authorization of [`Bearer ${key} trailing-junk`, `Bearer ${key},other`, `Bearer ${key} ${key}`, `Bearer  ${key} x`, `Bearer\t${key}`, `Token ${key}`]) {
      const res = await app.inject({ method: 'POST', url: '/v1/actors', headers: { authorization }, payload: body })
      expect(res.statusCode, authorization.replace(key, '<key>')).toBe(401)
      expect(res.json().code).toBe('UNAUTHORIZED')
    }
    const gql = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${key} junk` },
      payload: { query: 'mutation { createActor(input: { name: "Header Test Group", kind: ARMED_GROUP }) { id } }' } })
    expect(gql.json().errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED')
    const ok = await app.inject({ method: 'POST', url: '/v1/actors', headers: { authorization: `bearer ${key}` }, payload: body })
    expect(ok.statusCode).toBe(201)
  })
})
