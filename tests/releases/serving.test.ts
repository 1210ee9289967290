import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, tempDir } from '../helper.ts'

async function released() {
  const dir = tempDir()
  const app = await buildTestApp({ databasePath: join(dir, 'timeline.db'), releasesPath: join(dir, 'releases') })
  const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin key', 'admin').key}` }
  const made = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })
  expect(made.statusCode).toBe(201)
  return { app, admin, release: made.json().data }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('serving releases', () => {
  it('serves every file byte-identical, with its digest as a strong ETag and immutable caching', async () => {
    const { app, release } = await released()
    for (const f of release.files as { name: string, sha256: string, bytes: number }[]) {
      const url = `/v1/releases/2026.1/files/${f.name}`
      const [a, b] = [await app.inject(url), await app.inject(url)]
      expect(a.statusCode).toBe(200)
      expect(a.rawPayload.equals(b.rawPayload)).toBe(true)
      expect({ sha: sha(a.rawPayload), bytes: a.rawPayload.length }).toEqual({ sha: f.sha256, bytes: f.bytes })
      expect(a.headers.etag).toBe(`"${f.sha256}"`)
      expect(a.headers['cache-control']).toBe('public, max-age=31536000, immutable')
      const again = await app.inject({ url, headers: { 'if-none-match': a.headers.etag as string } })
      expect(again.statusCode).toBe(304)
      expect(again.rawPayload.length).toBe(0)
    }
    expect((await app.inject('/v1/releases/2026.1/files/../timeline.db')).statusCode).toBe(404)
    expect((await app.inject('/v1/releases/2026.1/files/nothing.csv')).json().code).toBe('NOT_FOUND')
    expect((await app.inject('/v1/releases/2031.9')).json().code).toBe('NOT_FOUND')
    expect((await app.inject('/v1/releases/latest')).json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ parameter: 'tag' }] })
  })

  it('takes no subscription under a release, which never changes: the connection is closed', async () => {
    const { app } = await released()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const attempt = (path: string) => new Promise<{ acked: boolean, closed: boolean }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, 'graphql-transport-ws')
      let acked = false
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })))
      ws.on('message', (data) => { if (JSON.parse(String(data)).type === 'connection_ack') { acked = true; ws.close() } })
      ws.on('error', () => {})
      ws.on('close', () => resolve({ acked, closed: true }))
      setTimeout(() => { ws.terminate(); resolve({ acked, closed: false }) }, 5000)
    })
    expect(await attempt('/graphql')).toEqual({ acked: true, closed: true })
    expect(await attempt('/releases/2026.1/graphql')).toEqual({ acked: false, closed: true })
    // Refused with a coded 400 before the release is opened: an upgrade is never handed to a release's app.
    expect((await app.inject({ url: '/releases/2026.1/graphql', headers: { upgrade: 'websocket', connection: 'upgrade' } })).json()).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: expect.stringContaining('takes no subscription') })
  })

  it('a release\'s pages are cached as immutable under its version, and the live pages by the live version', async () => {
    const { app, admin, release } = await released()
    const event = (await app.inject('/v1/events?limit=1')).json().data[0]
    for (const path of ['/', `/events/${event.id}`]) {
      const pinned = await app.inject(`/releases/2026.1${path}`)
      expect(pinned.statusCode, path).toBe(200)
      expect(pinned.headers['content-type'], path).toMatch(/^text\/html/)
      expect(pinned.headers['cache-control'], path).toBe('public, max-age=31536000, immutable')
      expect(pinned.headers.etag, path).toBe(`"v${release.datasetVersion}-html"`)
      const again = await app.inject({ url: `/releases/2026.1${path}`, headers: { 'if-none-match': pinned.headers.etag as string } })
      expect(again.statusCode, path).toBe(304)
      const live = await app.inject(path)
      expect(live.headers['cache-control'], path).toBe('public, max-age=60')
      expect(live.headers.etag, path).toMatch(/^"v\d+-html"$/)
      expect(live.headers['content-security-policy'], path).toContain("default-src 'self'")
    }
    // A write moves the live pages' tag, not the release's.
    const live = await app.inject('/')
    const src = (await app.inject('/v1/sources')).json().data[0]
    const etag = (await app.inject(`/v1/sources/${src.id}`)).headers.etag as string
    expect((await app.inject({ method: 'PATCH', url: `/v1/sources/${src.id}`, headers: { ...admin, 'if-match': etag }, payload: { note: 'moved on' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/', headers: { 'if-none-match': live.headers.etag as string } })).statusCode).toBe(200)
    expect((await app.inject('/releases/2026.1/')).headers.etag).toBe(`"v${release.datasetVersion}-html"`)
    // A page that cannot be found is no representation to keep.
    const missing = await app.inject('/events/no-such-event')
    expect(missing.statusCode).toBe(404)
    expect(missing.headers.etag).toBeUndefined()
  })

  it('answers REST and GraphQL reads from the release after the live data has moved on, and refuses writes there', async () => {
    const { app, admin, release } = await released()
    const before = await app.inject('/v1/events?limit=3')
    const src = (await app.inject('/v1/sources')).json().data[0]
    const patched = await app.inject({ method: 'PATCH', url: `/v1/sources/${src.id}`, headers: { ...admin, 'if-match': before.headers.etag as string }, payload: { note: 'a later note' } })
    expect(patched.statusCode).toBe(200)

    const pinned = await app.inject(`/releases/2026.1/v1/sources/${src.id}`)
    expect(pinned.statusCode).toBe(200)
    expect(pinned.json().data.note).toBe(src.note)
    expect((await app.inject(`/v1/sources/${src.id}`)).json().data.note).toBe('a later note')
    expect(pinned.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(pinned.headers.etag).toBe(`"v${release.datasetVersion}-json"`)
    const list = await app.inject('/releases/2026.1/v1/events?limit=3')
    expect(list.json().data).toEqual(before.json().data)
    expect(list.headers.link).toMatch(/^<\/releases\/2026\.1\/v1\/events\?limit=3&cursor=[^>]+>; rel="next"$/)
    const next = await app.inject((list.headers.link as string).slice(1, (list.headers.link as string).indexOf('>')))
    expect(next.statusCode).toBe(200)
    expect(next.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect((await app.inject({ url: '/releases/2026.1/v1/events?limit=3', headers: { 'if-none-match': list.headers.etag as string } })).statusCode).toBe(304)
    expect((await app.inject('/releases/2026.1/v1/events?format=csv')).headers['content-type']).toMatch(/text\/csv/)
    // The path as a generated client encodes it works; an encoded "?" is no query, and no route.
    expect((await app.inject('/releases/2026.1/v1%2Fevents?limit=3')).json().data).toEqual(before.json().data)
    const encoded = await app.inject('/releases/2026.1/v1%2Fevents%3Ftype%3Doffensive')
    expect(encoded.statusCode).toBe(404)
    expect(encoded.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', detail: expect.stringMatching(/not percent-encoded/) })
    // A problem from the release names the path asked for, prefix and all.
    const missing = await app.inject('/releases/2026.1/v1/events/no-such-event')
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND', instance: '/releases/2026.1/v1/events/no-such-event' })
    const head = await app.inject({ method: 'HEAD', url: '/releases/2026.1/v1/events?limit=3' })
    expect({ status: head.statusCode, etag: head.headers.etag, body: head.rawPayload.length }).toEqual({ status: 200, etag: list.headers.etag, body: 0 })
    // The prefix is documented as one operation standing for every read route.
    const doc = (await app.inject('/openapi.json')).json()
    expect(Object.keys(doc.paths['/releases/{tag}/{path}'])).toEqual(['get'])

    const gql = await app.inject({ method: 'POST', url: '/releases/2026.1/graphql', payload: { query: `{ dataset { version } source(id: "${src.id}") { note } }` } })
    expect(gql.json().data).toEqual({ dataset: { version: release.datasetVersion }, source: { note: src.note } })

    const write = await app.inject({ method: 'POST', url: '/releases/2026.1/v1/sources', headers: admin, payload: {} })
    expect(write.statusCode).toBe(405)
    expect(write.json().code).toBe('READ_ONLY')
    // Every write method gets the same refusal, not the router's 405 offering POST.
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const other = await app.inject({ method, url: `/releases/2026.1/v1/sources/${src.id}`, headers: { ...admin, 'if-match': '"v1-json"' }, payload: { note: 'x' } })
      expect(other.statusCode, method).toBe(405)
      expect(other.json().code, method).toBe('READ_ONLY')
    }
    const mutation = await app.inject({ method: 'POST', url: '/releases/2026.1/graphql', headers: admin, payload: { query: `mutation { deleteSource(id: "${src.id}", ifMatch: "v99") { recordId } }` } })
    expect(JSON.stringify(mutation.json())).toContain('READ_ONLY')
    expect((await app.inject('/releases/2031.9/v1/events')).json().code).toBe('NOT_FOUND')
    expect((await app.inject('/releases/nope/v1/events')).statusCode).toBe(404)
  })

  it('writes every link in its answers under the release: facets, summaries, GeoJSON, the page', async () => {
    const { app } = await released()
    const base = '/releases/2026.1'
    const links: string[] = []
    const facets = (await app.inject(`${base}/v1/events?facets=type,place&limit=2`)).json()
    for (const values of Object.values(facets.meta.facets) as { href: string }[][]) links.push(...values.map((v) => v.href))
    links.push(...(await app.inject(`${base}/v1/casualty-reports/summary`)).json().data.map((r: { reports: string }) => r.reports))
    const geo = (await app.inject(`${base}/v1/events.geojson?limit=2`)).json()
    links.push(...geo.links.map((l: { href: string }) => l.href), ...geo.features.map((f: { properties: { url: string } }) => f.properties.url))
    const pages = [(await app.inject(`${base}/?from=2023-09`)).body, (await app.inject(`${base}/events/azerbaijani-offensive-2023-09`)).body]
    for (const page of pages) links.push(...[...page.matchAll(/ (?:href|action)="([^"#][^"]*)"/g)].map((m) => m[1]!).filter((h) => h.startsWith('/')))
    expect(links.length).toBeGreaterThan(30)
    for (const link of links) expect(link.startsWith(`${base}/`), link).toBe(true)
    // Each of them answers from the release.
    for (const link of [...new Set(links)].slice(0, 40)) {
      const res = await app.inject(link.replaceAll('&amp;', '&'))
      expect(res.statusCode, link).toBe(200)
    }
    // The live API's links stay at the root.
    const live = (await app.inject('/v1/events?facets=type&limit=2')).json()
    expect(live.meta.facets.type[0].href).toMatch(/^\/v1\/events\?/)
    expect((await app.inject('/')).body).toContain(' href="/v1/events')
  })

  it('lists releases with an ETag that changes when a release is made, not cached by dataset version', async () => {
    const { app, admin } = await released()
    const first = await app.inject('/v1/releases')
    expect(first.json().data).toHaveLength(1)
    const etag = first.headers.etag as string
    const src = (await app.inject('/v1/sources')).json().data[0]
    await app.inject({ method: 'PATCH', url: `/v1/sources/${src.id}`, headers: { ...admin, 'if-match': (await app.inject('/v1/sources')).headers.etag as string }, payload: { note: 'x' } })
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.2' } })).statusCode).toBe(201)
    const second = await app.inject({ url: '/v1/releases', headers: { 'if-none-match': etag } })
    expect(second.statusCode).toBe(200)
    expect(second.json().data.map((r: { tag: string }) => r.tag)).toEqual(['2026.1', '2026.2'])
  })
})

describe('read-only mode', () => {
  it('serves a release file and refuses writes naming the primary', async () => {
    const { app: primary } = await released()
    const path = join(primary.config.releasesPath, '2026.1', 'timeline.db')
    const replica = await buildTestApp({ databasePath: path, readOnly: true, seedOnStart: false, primaryUrl: 'https://primary.example.org' })
    expect((await replica.inject('/v1/events?limit=1')).statusCode).toBe(200)
    expect((await replica.inject('/ready')).statusCode).toBe(200)
    const refused = await replica.inject({ method: 'DELETE', url: '/v1/sources/x', headers: { 'if-match': '"v1-json"' } })
    expect(refused.statusCode).toBe(405)
    expect(refused.headers.allow).toBe('GET, HEAD')
    expect(refused.json()).toMatchObject({ code: 'READ_ONLY', detail: expect.stringContaining('https://primary.example.org') })
  })

  it('opens at most one release app per interval, so cycling through tags cannot stall the server again and again', async () => {
    const { app, admin } = await released()
    // A second release needs a write first: a version is released once.
    const etag = (await app.inject('/v1/sources')).headers.etag as string
    const src = (await app.inject('/v1/sources')).json().data[0]
    await app.inject({ method: 'PATCH', url: `/v1/sources/${src.id}`, headers: { ...admin, 'if-match': etag }, payload: { note: 'for a second release' } })
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.2' } })).statusCode).toBe(201)
    expect((await app.inject('/releases/2026.1/v1/events?limit=1')).statusCode).toBe(200)
    const busy = await app.inject('/releases/2026.2/v1/events?limit=1')
    expect(busy.statusCode).toBe(503)
    expect(busy.json().code).toBe('RELEASE_BUSY')
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0)
    // The release already open keeps answering.
    expect((await app.inject('/releases/2026.1/v1/events?limit=2')).statusCode).toBe(200)
  })
})
