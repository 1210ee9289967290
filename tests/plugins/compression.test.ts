import { request as httpRequest } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import type { Config } from '../../src/config/config.ts'
import { codingFor } from '../../src/http/encoding.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp } from '../helper.ts'

const LIST = '/v1/events?limit=50'
const decode = (coding: string | undefined, body: Buffer) =>
  coding === 'br' ? brotliDecompressSync(body).toString() : coding === 'gzip' ? gunzipSync(body).toString() : body.toString()

describe('compressed answers', () => {
  it('chooses the coding the client prefers and refuses what it refuses', () => {
    expect(codingFor('gzip, deflate, br, zstd')).toBe('br')
    expect(codingFor('gzip')).toBe('gzip')
    expect(codingFor('br;q=0.5, gzip')).toBe('gzip')
    expect(codingFor('br;q=0, gzip;q=0')).toBeNull()
    expect(codingFor('identity')).toBeNull()
    expect(codingFor('*')).toBe('br')
    expect(codingFor(undefined)).toBeNull()
    // A coding refused by name stays refused whatever `*` allows (RFC 9110, 12.5.3).
    expect(codingFor('*, br;q=0')).toBe('gzip')
    expect(codingFor('br;q=0, *')).toBe('gzip')
    expect(codingFor('*;q=0.5, br;q=0')).toBe('gzip')
    expect(codingFor('*;q=0.5, gzip')).toBe('gzip')
    expect(codingFor('*;q=0')).toBeNull()
    expect(codingFor('GZIP;Q=0.8, BR;q=0.9')).toBe('br')
    expect(codingFor('br;q=2, gzip')).toBe('gzip')
  })

  it('a list goes out in brotli or gzip with its own ETag, and decodes to the plain body', async () => {
    const app = await buildTestApp()
    addSyntheticEvents(app.storage.sqlite, 60)
    const plain = await app.inject({ url: LIST })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toContain('Accept-Encoding')
    expect(plain.rawPayload.length).toBeGreaterThan(10_000)
    for (const coding of ['br', 'gzip'] as const) {
      for (const round of ['miss', 'hit']) {
        const res = await app.inject({ url: LIST, headers: { 'accept-encoding': coding } })
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-encoding'], round).toBe(coding)
        expect(res.headers.etag).toBe(plain.headers.etag!.replace(/"$/, `-${coding}"`))
        expect(res.headers.vary).toContain('Accept-Encoding')
        expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
        expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4)
        expect(decode(coding, res.rawPayload)).toBe(plain.body)
      }
    }
    // Every response after the first came from the cache.
    const again = await app.inject({ url: LIST, headers: { 'accept-encoding': 'gzip' } })
    expect(again.headers['x-cache']).toBe('hit')
  })

  it('small bodies, errors and clients that take no coding get the body as it is', async () => {
    const app = await buildTestApp()
    const health = await app.inject({ url: '/health', headers: { 'accept-encoding': 'gzip, br' } })
    expect(health.headers['content-encoding']).toBeUndefined()
    const missing = await app.inject({ url: '/v1/events/no-such-event', headers: { 'accept-encoding': 'gzip, br' } })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-encoding']).toBeUndefined()
    expect(missing.json().code).toBe('NOT_FOUND')
    const refused = await app.inject({ url: LIST, headers: { 'accept-encoding': 'gzip;q=0, br;q=0' } })
    expect(refused.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(refused.body).data.length).toBeGreaterThan(0)
  })

  it('the page and GraphQL answers are compressed too, and COMPRESSION=false turns it all off', async () => {
    const app = await buildTestApp()
    const page = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } })
    expect(page.headers['content-encoding']).toBe('gzip')
    expect(decode('gzip', page.rawPayload)).toContain('<html')
    const query = { query: '{ events(first: 20) { nodes { id title summary } } }' }
    const gql = await app.inject({ method: 'POST', url: '/graphql', payload: query, headers: { 'accept-encoding': 'br' } })
    expect(gql.headers['content-encoding']).toBe('br')
    expect(JSON.parse(decode('br', gql.rawPayload)).data.events.nodes).toHaveLength(16)
    const off = await buildTestApp({ compression: false })
    const plain = await off.inject({ url: LIST, headers: { 'accept-encoding': 'gzip, br' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).not.toContain('Accept-Encoding')
  })

  it('a coded copy that would take an entry past its bound is not kept, and the plain entry stays', async () => {
    const probe = await buildTestApp()
    addSyntheticEvents(probe.storage.sqlite, 60)
    const size = (await probe.inject({ url: LIST })).rawPayload.length
    // Room for the plain entry (headers and key included) but not for it and a compressed copy.
    const app = await buildTestApp({ cacheMaxBytes: 8 * (size + 7000) })
    addSyntheticEvents(app.storage.sqlite, 60)
    await app.inject({ url: LIST })
    for (let i = 0; i < 2; i++) {
      const coded = await app.inject({ url: LIST, headers: { 'accept-encoding': 'gzip' } })
      expect(coded.headers['x-cache']).toBe('hit')
      expect(coded.headers['content-encoding']).toBe('gzip')
    }
    expect((await app.inject({ url: LIST })).headers['x-cache']).toBe('hit')
  })

  it('If-None-Match and If-Match take the ETag of a compressed read', async () => {
    const app = await buildTestApp()
    const read = await app.inject({ url: '/v1/actors?limit=50', headers: { 'accept-encoding': 'gzip' } })
    expect(read.headers['content-encoding']).toBe('gzip')
    const etag = read.headers.etag as string
    expect(etag).toMatch(/-gzip"$/)
    // The same version in any coding is not modified.
    for (const enc of ['gzip', 'br', 'identity']) {
      const cond = await app.inject({ url: '/v1/actors?limit=50', headers: { 'accept-encoding': enc, 'if-none-match': etag } })
      expect(cond.statusCode, enc).toBe(304)
    }
    // The 304 names the representation the 200 would have been, coding and all: first from the
    // route's answer, then from the response cache.
    for (const round of ['route', 'cache']) {
      for (const [enc, tag] of [['gzip', etag], ['br', etag.replace(/-gzip"$/, '-br"')], ['identity', etag.replace(/-gzip"$/, '"')]]) {
        const cond = await app.inject({ url: '/v1/actors?limit=50', headers: { 'accept-encoding': enc!, 'if-none-match': etag } })
        expect(cond.statusCode, `${round} ${enc}`).toBe(304)
        expect(cond.headers.etag, `${round} ${enc}`).toBe(tag)
      }
    }
    const actor = JSON.parse(decode('gzip', read.rawPayload)).data[0]
    const { key } = createKey(app.storage.sqlite, 'desk', 'editor')
    const write = await app.inject({ method: 'PATCH', url: `/v1/actors/${actor.id}`, headers: { authorization: `Bearer ${key}`, 'if-match': etag }, payload: { aliases: ['Checked'] } })
    expect(write.statusCode, write.body).toBe(200)
    const stale = await app.inject({ method: 'PATCH', url: `/v1/actors/${actor.id}`, headers: { authorization: `Bearer ${key}`, 'if-match': etag }, payload: { aliases: ['Again'] } })
    expect(stale.statusCode).toBe(412)
  })
})

describe('compressed cache hits at the front door', () => {
  let app: App | undefined
  afterEach(async () => { await app?.close(); app = undefined })

  /** A raw GET on a real socket: the body as sent, not decoded. */
  const get = (port: number, path: string, headers: Record<string, string>) => new Promise<{ headers: Record<string, string | string[] | undefined>, body: Buffer }>((resolve, reject) => {
    httpRequest({ port, host: '127.0.0.1', path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })

  it('the coding made on the first request is answered before Fastify on the next ones', async () => {
    const config: Partial<Config> = { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 }
    app = await buildApp({ config })
    addSyntheticEvents(app.storage.sqlite, 60)
    let reached = 0
    app.addHook('onResponse', async () => { reached++ })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const plain = await get(port, LIST, {})
    const first = await get(port, LIST, { 'accept-encoding': 'gzip' })
    expect(first.headers['content-encoding']).toBe('gzip')
    expect(reached).toBe(2)
    const hit = await get(port, LIST, { 'accept-encoding': 'gzip' })
    expect(reached).toBe(2)
    expect(hit.headers['x-cache']).toBe('hit')
    expect(hit.headers['content-encoding']).toBe('gzip')
    expect(hit.headers.etag).toBe(first.headers.etag)
    expect(hit.headers.vary).toBe(first.headers.vary)
    expect(Number(hit.headers['content-length'])).toBe(hit.body.length)
    expect(gunzipSync(hit.body).toString()).toBe(plain.body.toString())
    // A coding not kept yet takes Fastify's path once, then is kept as well.
    const br = await get(port, LIST, { 'accept-encoding': 'br' })
    expect(reached).toBe(3)
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString())
    const brHit = await get(port, LIST, { 'accept-encoding': 'br' })
    expect(reached).toBe(3)
    expect(brHit.body.equals(br.body)).toBe(true)
    const plainHit = await get(port, LIST, {})
    expect(plainHit.headers['content-encoding']).toBeUndefined()
    expect(plainHit.body.equals(plain.body)).toBe(true)
  })
})
