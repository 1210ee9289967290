import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import { sharedApp } from '../helper.ts'

const app = sharedApp()

function expectProblem(res: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, code: string) {
  expect(res.statusCode).toBe(status)
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/)
  expect(res.json()).toMatchObject({ status, code, type: `about:blank#${code}`, title: expect.any(String), detail: expect.any(String) })
}

describe('errors raised by Fastify and Node are problem+json too', () => {
  it('an unsupported method on a known route is a 405 naming the allowed ones', async () => {
    const trace = await app().inject({ method: 'TRACE' as 'GET', url: '/v1/events?limit=1' })
    expectProblem(trace, 405, 'METHOD_NOT_ALLOWED')
    expect(trace.headers.allow).toBe('GET, HEAD, POST, OPTIONS')
    const put = await app().inject({ method: 'PUT', url: '/v1/events/ceasefire-2023-09-20' })
    expectProblem(put, 405, 'METHOD_NOT_ALLOWED')
    expect(put.headers.allow).toBe('GET, HEAD, PATCH, DELETE, OPTIONS')
    expectProblem(await app().inject({ method: 'DELETE', url: '/v1/dataset' }), 405, 'METHOD_NOT_ALLOWED')
    // A path no method serves stays a 404.
    expectProblem(await app().inject({ method: 'TRACE' as 'GET', url: '/v1/nothing' }), 404, 'ROUTE_NOT_FOUND')
  })

  it('an id longer than any route accepts is a 400 naming the parameter, however long', async () => {
    for (const length of [201, 999, 5000]) {
      const res = await app().inject({ method: 'GET', url: `/v1/events/${'a'.repeat(length)}` })
      expectProblem(res, 400, 'VALIDATION_FAILED')
      expect(res.json().errors[0].in).toBe('params')
    }
  })

  it('single-record routes refuse unknown and bad query parameters as list routes do', async () => {
    for (const url of ['/v1/events/ceasefire-2023-09-20?colour=red', '/v1/actors/nikol-pashinyan?format=csv', '/v1/dataset?x=1', '/health?verbose=1', '/v1/events/ceasefire-2023-09-20/revisions?limit=2']) {
      const res = await app().inject({ method: 'GET', url })
      expectProblem(res, 400, 'VALIDATION_FAILED')
      expect(res.json().errors[0]).toMatchObject({ in: 'querystring', message: 'unknown query parameter' })
    }
  })

  it('a query parameter given twice is named as such, not as a wrong type', async () => {
    for (const [url, parameter] of [['/v1/events?limit=5&limit=10', 'limit'], ['/v1/events?type=attack&type=shelling', 'type'], ['/v1/stats/events?groupBy=type&period=month&period=week', 'period']] as const) {
      const res = await app().inject({ method: 'GET', url })
      expectProblem(res, 400, 'VALIDATION_FAILED')
      expect(res.json().errors, url).toContainEqual({ parameter, in: 'querystring', message: 'given 2 times; give it once' })
    }
  })

  it('If-None-Match does not turn a request that would fail into a 304', async () => {
    const good = await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20' })
    const etag = good.headers.etag as string
    expect((await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20', headers: { 'if-none-match': etag } })).statusCode).toBe(304)
    expectProblem(await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20?colour=red', headers: { 'if-none-match': etag } }), 400, 'VALIDATION_FAILED')
    expectProblem(await app().inject({ method: 'GET', url: '/v1/events/no-such-event', headers: { 'if-none-match': etag } }), 404, 'NOT_FOUND')
    // A streamed export is not sent either, and its snapshot is given back (the next export still runs).
    for (let i = 0; i < 3; i++) {
      const res = await app().inject({ method: 'GET', url: '/v1/export', headers: { 'if-none-match': etag } })
      expect(res.statusCode).toBe(304)
      expect(res.body).toBe('')
    }
    expect((await app().inject({ method: 'GET', url: '/v1/export' })).statusCode).toBe(200)
  })

  it('If-None-Match: * matches any current representation, and a missing record stays a 404', async () => {
    const star = { 'if-none-match': '*' }
    expect((await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20', headers: star })).statusCode).toBe(304)
    // Twice: the second is answered from the response cache's entry.
    expect((await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20', headers: star })).statusCode).toBe(304)
    expectProblem(await app().inject({ method: 'GET', url: '/v1/events/no-such-event', headers: star }), 404, 'NOT_FOUND')
  })

  it('the revisions of a record that never existed are a 404; a seeded record has none yet', async () => {
    expectProblem(await app().inject({ method: 'GET', url: '/v1/events/no-such-event/revisions' }), 404, 'NOT_FOUND')
    expectProblem(await app().inject({ method: 'GET', url: '/v1/actors/no-such-actor/revisions' }), 404, 'NOT_FOUND')
    const seeded = await app().inject({ method: 'GET', url: '/v1/events/ceasefire-2023-09-20/revisions' })
    expect(seeded.statusCode).toBe(200)
    expect(seeded.json()).toEqual({ data: [] })
  })

  it('every bad parameter is listed in errors by its name: a list item with its value, a rule broken across parameters', async () => {
    const listItem = (await app().inject('/v1/events?type=attack,nosuch')).json()
    expect(listItem.errors).toEqual([{ parameter: 'type', in: 'querystring', message: expect.stringMatching(/^"nosuch": Invalid option/) }])
    const facet = (await app().inject('/v1/stats/events?groupBy=type,nope')).json()
    expect(facet.errors).toEqual([{ parameter: 'groupBy', in: 'querystring', message: expect.stringMatching(/^"nope": /) }])
    const word = (await app().inject('/v1/events?q=%2A')).json()
    expect(word).toMatchObject({ code: 'INVALID_PARAMETER', errors: [{ parameter: 'q', in: 'querystring', message: 'needs at least one letter or digit' }] })
    const range = (await app().inject('/v1/events?from=2024&to=2023')).json()
    expect(range.code).toBe('INVALID_PARAMETER')
    expect(range.errors.map((e: { parameter: string }) => e.parameter)).toEqual(['from', 'to'])
  })

  it('a body sent with a Content-Encoding is a 415 naming it, REST and GraphQL', async () => {
    const { gzipSync } = await import('node:zlib')
    for (const [url, body] of [['/v1/sources', { publisher: 'x' }], ['/graphql', { query: '{ dataset { version } }' }]] as const) {
      for (const [coding, payload] of [['gzip', gzipSync(JSON.stringify(body))], ['deflate', Buffer.from(JSON.stringify(body))]] as const) {
        const res = await app().inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'content-encoding': coding }, payload })
        expect(res.statusCode, `${url} ${coding}`).toBe(415)
        expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE')
        expect(res.json().detail).toContain(`Content-Encoding ${coding}`)
      }
    }
    const plain = await app().inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, payload: { query: '{ dataset { version } }' } })
    expect(plain.statusCode).toBe(200)
  })

  it('a bad percent-encoding in the path is a 400', async () => {
    expectProblem(await app().inject({ method: 'GET', url: '/v1/events/%E0%A4%A' }), 400, 'BAD_REQUEST')
  })

  it('a bad percent-encoding in the query string is a 400 too, not a search for what the parser made of it', async () => {
    for (const url of ['/v1/search?q=army%zz', '/v1/events?q=%C0%AFarmy', '/v1/events?type=attack%', '/graphql?query=%7B%20dataset%20%7B%20version%20%7D%20%7D%E0%A4']) {
      const res = await app().inject({ method: 'GET', url })
      expectProblem(res, 400, 'BAD_REQUEST')
      expect(res.json().detail, url).toMatch(/percent-encoding/)
    }
    // Well-formed escapes, UTF-8 included, and a literal + are read as before.
    expect((await app().inject('/v1/events?q=%D5%A1rmenia%20army&limit=1')).statusCode).toBe(200)
    expect((await app().inject('/v1/search?q=armenia+army')).statusCode).toBe(200)
  })
})

describe('errors Node raises before a request is parsed', () => {
  let server: App
  let port: number
  beforeAll(async () => {
    server = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
    await server.listen({ port: 0, host: '127.0.0.1' })
    port = (server.server.address() as { port: number }).port
  })
  afterAll(async () => { await server?.close() })

  const raw = (request: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    let data = ''
    socket.on('data', (d) => { data += d.toString() })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })

  it('a malformed header line gets a problem+json 400 and the connection closes', async () => {
    const response = await raw('GET /v1/events HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n')
    const [head, body] = response.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/)
    expect(head).toMatch(/content-type: application\/problem\+json/i)
    expect(JSON.parse(body!)).toMatchObject({ status: 400, code: 'BAD_REQUEST', title: 'Bad Request' })
  })

  it('a path climbing out of a static folder is a 403 coded FORBIDDEN, and serves nothing', async () => {
    const response = await raw('GET /docs/static/%2e%2e/%2e%2e/package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const [head, body] = response.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 403/)
    expect(JSON.parse(body!)).toMatchObject({ status: 403, code: 'FORBIDDEN' })
  })

  it('an Expect other than 100-continue gets a problem+json 417 naming it', async () => {
    const response = await raw('GET /v1/events HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n')
    const [head, body] = response.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 417/)
    expect(JSON.parse(body!)).toMatchObject({ status: 417, code: 'EXPECTATION_FAILED', detail: expect.stringContaining('200-ok') })
  })

  it('an HTTP/1.1 request without Host gets a problem+json 400 saying so', async () => {
    const response = await raw('GET /v1/events HTTP/1.1\r\nConnection: close\r\n\r\n')
    const [head, body] = response.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 400/)
    expect(JSON.parse(body!)).toMatchObject({ status: 400, code: 'BAD_REQUEST', detail: expect.stringContaining('Host') })
  })

  it('headers larger than Node accepts get a problem+json 431', async () => {
    const response = await raw(`GET /v1/events HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    const [head, body] = response.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 431/)
    expect(JSON.parse(body!)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' })
  })
})
