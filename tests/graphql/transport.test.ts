import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { persistedQueries } from '../../src/graphql/persisted.ts'
import { buildTestApp, sharedApp } from '../helper.ts'

const app = sharedApp()
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const ext = (hash: string) => encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }))
const get = (url: string, headers: Record<string, string> = {}) => app().inject({ method: 'GET', url, headers })

describe('GET /graphql', () => {
  it('answers a query with an ETag and Cache-Control, and a 304 when the ETag still holds', async () => {
    const url = `/graphql?query=${encodeURIComponent('{ events(first: 2) { totalCount nodes { id } } }')}`
    const res = await get(url)
    expect(res.statusCode).toBe(200)
    expect(res.json().data.events.nodes).toHaveLength(2)
    expect(res.headers['cache-control']).toMatch(/public, max-age=\d+/)
    expect(res.headers.etag).toMatch(/^"v\d+-json"$/)
    const again = await get(url, { 'if-none-match': res.headers.etag as string })
    expect(again.statusCode).toBe(304)
    const vars = await get(`/graphql?query=${encodeURIComponent('query ($n: Int) { events(first: $n) { nodes { id } } }')}&variables=${encodeURIComponent('{"n":3}')}`)
    expect(vars.json().data.events.nodes).toHaveLength(3)
  })

  it('refuses a mutation with a coded 405 that allows POST', async () => {
    const res = await get(`/graphql?query=${encodeURIComponent('mutation { deleteEvent(id: "x", ifMatch: "\\"v1-json\\"") { recordId } }')}`)
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('POST')
    expect(res.headers.etag).toBeUndefined()
    expect(res.json().errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED')
  })
})

describe('automatic persisted queries', () => {
  it('asks for an unknown hash, keeps the query once sent, then runs it from its hash alone over GET', async () => {
    const query = '{ dataset { counts { events } } events(first: 1) { nodes { recordId } } }'
    const hash = sha256(query)
    const unknown = await get(`/graphql?extensions=${ext(hash)}`)
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })
    const register = await get(`/graphql?query=${encodeURIComponent(query)}&extensions=${ext(hash)}`)
    expect(register.statusCode).toBe(200)
    const byHash = await get(`/graphql?extensions=${ext(hash)}`)
    expect(byHash.statusCode).toBe(200)
    expect(byHash.json()).toEqual(register.json())
    expect(byHash.headers['cache-control']).toMatch(/public/)
    // POST works the same way.
    const post = await app().inject({ method: 'POST', url: '/graphql', payload: { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } })
    expect(post.json()).toEqual(register.json())
  })

  it('refuses a query that does not match its hash, and an unknown protocol version', async () => {
    const mismatch = await get(`/graphql?query=${encodeURIComponent('{ dataset { version } }')}&extensions=${ext(sha256('{ other }'))}`)
    expect(mismatch.statusCode).toBe(400)
    expect(mismatch.json().errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH')
    const v2 = await app().inject({ method: 'POST', url: '/graphql', payload: { extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } } })
    expect(v2.json().errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED')
    const junk = await app().inject({ method: 'POST', url: '/graphql', payload: { extensions: { persistedQuery: { version: 1, sha256Hash: { a: 1 } } } } })
    expect(junk.statusCode).toBeLessThan(500)
  })

  it('does not keep a query that fails validation', async () => {
    const fresh = await buildTestApp()
    const query = '{ events { colour } }'
    const hash = sha256(query)
    const first = await fresh.inject({ method: 'POST', url: '/graphql', payload: { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } })
    expect(first.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const byHash = await fresh.inject({ method: 'POST', url: '/graphql', payload: { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } })
    expect(byHash.json().errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND')
  })

  it('bounds its store in bytes, dropping the least recently used queries', async () => {
    const store = persistedQueries(64 * 1024, 10_000)
    for (let i = 0; i < 500; i++) {
      const q = `{ events(first: ${(i % 200) + 1}) { nodes { id title } } } # ${'x'.repeat(500)} ${i}`
      await store.saveQuery(sha256(q), q)
    }
    expect(store.cache.calculatedSize).toBeLessThanOrEqual(64 * 1024)
    expect(store.cache.size).toBeGreaterThan(10)
    const huge = 'y'.repeat(100 * 1024)
    await store.saveQuery(sha256(huge), huge)
    expect(await store.getQueryFromHash(sha256(huge))).toBeUndefined()
  })
})
