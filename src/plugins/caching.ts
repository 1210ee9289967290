import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import { Readable } from 'node:stream'
import { LRUCache } from 'lru-cache'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { currentVersion } from '../db/dataset.ts'
import type { FrontDoor } from '../http/front-door.ts'
import { codedTag, codingFor, compress, COMPRESSIBLE_TYPE, MIN_COMPRESSED_BYTES, uncodedTag, type Coding } from '../http/encoding.ts'
import { acceptsCsv, wantsCsv } from '../http/reply.ts'

declare module 'fastify' {
  interface FastifyRequest {
    datasetVersion: number
    cacheKey: string | null
    /** The cache entry this request is answered from. */
    cacheHit: Cached | null
  }
  interface FastifyContextConfig {
    /** The route sets its own ETag and Cache-Control (release routes: a release is not a write). */
    ownCaching?: boolean
    /**
     * Whether the route answers CSV: `true` when its query's `format` or Accept asks for it (set
     * from the schema for routes whose query takes `format`), `'format'` when only `format=csv`
     * does (exports: Accept does not choose their format), `false` never.
     */
    csv?: boolean | 'format'
  }
}

interface Cached {
  body: Buffer
  /** What the route set; Fastify's hooks add the rest again on a hit. */
  headers: Record<string, string>
  /**
   * Every header of the first answer but the per-client rate-limit counts, as `writeHead` takes
   * them, for the front door; null when that answer was to a cross-origin request (its CORS
   * headers were for that origin).
   */
  front: string[] | null
  /** The body compressed, each with its own front-door headers; added as clients ask for them. */
  coded: Partial<Record<Coding, { body: Buffer, front: string[] | null }>>
}

/** Upper bound of what an entry holds: V8 keeps a string in at most two bytes a character. */
const ENTRY_OVERHEAD = 256
const sizeOf = (value: Cached, key: string) => {
  let n = ENTRY_OVERHEAD + 2 * key.length + value.body.length
  for (const [k, v] of Object.entries(value.headers)) n += 2 * (k.length + v.length)
  for (const h of value.front ?? []) n += 2 * h.length
  for (const c of Object.values(value.coded)) {
    n += c.body.length
    for (const h of c.front ?? []) n += 2 * h.length
  }
  return n
}

const KEPT_HEADERS = ['content-type', 'link', 'content-disposition']
const PER_RESPONSE = new Set(['content-length', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
/** The HTML pages: the timeline and an event's. */
const isPage = (url: string) => url === '/' || url.startsWith('/?') || url.startsWith('/events/')
/** The API's reads, GraphQL over GET and the pages: each a function of its URL and the version. */
const cacheable = (url: string) => url.startsWith('/v1/') || url.startsWith('/graphql?') || isPage(url)
/** Keyed by what selects the representation: the version, the URL and whether Accept asks for CSV. */
const keyOf = (version: number, csv: boolean, url: string) => `v${version}|${csv ? 'csv' : 'json'}|${url}`

/** Whether a route's query string schema names `format`, the parameter of every route that answers CSV. */
function takesFormat(schema: unknown): boolean {
  let s = schema as { shape?: Record<string, unknown>, def?: { in?: unknown, schema?: unknown } } | undefined
  // Through the wrappers zod puts around an object (a pipe, a preprocess).
  for (let i = 0; s && !s.shape && i < 4; i++) s = (s.def?.in ?? s.def?.schema) as typeof s
  return Boolean(s?.shape && 'format' in s.shape)
}
const UNCACHED = /^\/v1\/export(\/|\?|$)/
const READ_ONLY_QUERY = /\b(mutation|subscription)\b/

/**
 * If-None-Match names this version's tag, in any coding (each holds the same content), or is `*`,
 * which any current representation matches (RFC 9110, 13.1.2).
 */
function matches(request: FastifyRequest, etag: string): boolean {
  const match = request.headers['if-none-match']
  return !!match && (match.trim() === '*' || match.split(',').some((t) => uncodedTag(t.trim().replace(/^W\//, '')) === uncodedTag(etag)))
}

/** The headers of this answer for the front door to repeat: all but the per-client counts. */
function frontHeaders(reply: FastifyReply): string[] {
  const all = ['x-cache', 'hit']
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined && !PER_RESPONSE.has(k) && k !== 'x-cache') all.push(k, String(v))
  return all
}

/**
 * Whether a body is shorter than `bytes` in UTF-8, without encoding a long text to find out: a
 * text takes at least one byte per UTF-16 unit and at most three.
 */
/** The length from which a text body is sent as bytes (see onSend). */
const LONG_TEXT = 4096

function byteLengthBelow(payload: string | Buffer, bytes: number): boolean {
  if (typeof payload !== 'string') return payload.length < bytes
  if (payload.length >= bytes) return false
  return payload.length * 3 < bytes || Buffer.byteLength(payload) < bytes
}

/** Whether a body is text worth compressing, not already coded. */
function compressible(payload: unknown, type: unknown, encoding: unknown): payload is string | Buffer {
  if (!(typeof payload === 'string' || Buffer.isBuffer(payload)) || byteLengthBelow(payload, MIN_COMPRESSED_BYTES)) return false
  return encoding === undefined && COMPRESSIBLE_TYPE.test(String(type ?? ''))
}

/**
 * Every representation is a function of the URL, its format and the dataset version. The version
 * is therefore the ETag (a matching If-None-Match is a 304 before any query runs) and the key of a
 * response cache: a repeated read is served from memory until the next write moves the version.
 */
export default fp<{ front?: FrontDoor }>(async (app, { front }) => {
  const maxEntrySize = app.config.cacheMaxBytes / 8
  // Either bound at 0 turns the cache off (lru-cache itself refuses a size bound of 0).
  const cache = app.config.cacheMaxEntries > 0 && app.config.cacheMaxBytes > 0
    ? new LRUCache<string, Cached>({ max: app.config.cacheMaxEntries, maxSize: app.config.cacheMaxBytes, maxEntrySize, sizeCalculation: sizeOf })
    : null
  const send = (request: FastifyRequest, reply: FastifyReply, hit: Cached) => {
    for (const [k, v] of Object.entries(hit.headers)) reply.header(k, v)
    request.cacheHit = hit
    return reply.header('x-cache', 'hit').send(hit.body)
  }
  const compression = app.config.compression

  app.addHook('onRoute', (route) => {
    const config = route.config as { csv?: unknown } | undefined
    if (config?.csv === undefined && takesFormat(route.schema?.querystring)) route.config = { ...config, csv: true }
  })
  app.decorateRequest('datasetVersion', 0)
  app.decorateRequest('cacheKey', null)
  app.decorateRequest('cacheHit', null)

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    // Unknown routes fall through to the 404 handler; they have no representation to cache.
    // GraphQL queries over GET are representations of their URL too, so HTTP caches can keep them.
    if (!cacheable(request.url) || !request.routeOptions.url || request.routeOptions.config.ownCaching) return
    const version = currentVersion(app.storage.sqlite)
    request.datasetVersion = version
    // Accept: text/csv on a route that answers no CSV gets JSON, tagged as JSON.
    const answers = request.routeOptions.config.csv
    const csv = answers === true ? wantsCsv(request) : answers === 'format' && (request.query as { format?: unknown }).format === 'csv'
    const etag = `"v${version}-${csv ? 'csv' : isPage(request.url) ? 'html' : 'json'}"`
    // Appended, not set: CORS has already said the response varies by Origin.
    const vary = reply.getHeader('vary')
    const varies = compression ? 'Accept, Accept-Encoding' : 'Accept'
    reply.header('etag', etag).header('cache-control', app.config.cacheControl).header('vary', vary ? `${String(vary)}, ${varies}` : varies)
    if (!cache || UNCACHED.test(request.url)) return
    request.cacheKey = keyOf(version, csv, request.url)
    const hit = cache.get(request.cacheKey)
    // Only valid requests are cached, so a hit may answer If-None-Match before validation runs.
    // The 304 names the representation the 200 would have sent: its coding too.
    if (hit && matches(request, etag)) {
      const coding = codingOf(request, hit.body, hit.headers['content-type'], hit.headers['content-encoding'])
      if (coding) reply.header('etag', codedTag(etag, coding))
      return reply.code(304).send()
    }
    if (hit) return send(request, reply, hit)
  })

  // GraphQL reads are keyed by their body, known only once it is parsed.
  app.addHook('preHandler', async (request: FastifyRequest, reply) => {
    if (!cache || request.method !== 'POST' || request.url !== '/graphql') return
    const body = request.body as { query?: unknown } | undefined
    if (typeof body?.query !== 'string' || READ_ONLY_QUERY.test(body.query)) return
    // A digest, not the body: a key's size must not be the client's choice.
    request.cacheKey = `v${currentVersion(app.storage.sqlite)}|graphql|${createHash('sha256').update(JSON.stringify(body)).digest('base64url')}`
    const hit = cache.get(request.cacheKey)
    if (hit) return send(request, reply, hit)
  })

  app.addHook('onSend', async (request, reply, payload) => {
    // Otherwise If-None-Match is weighed on the answer the request would get without it: only a
    // 200 becomes a 304, so a bad or missing record stays a 400 or 404 (RFC 9110, 13.1.2).
    const tag = reply.getHeader('etag')
    // A GraphQL answer holding errors (some, such as a stats time-out, pass) is no representation
    // of the URL to keep: no ETag, not stored by any cache, and never turned into a 304.
    // An answer known to hold data alone is not searched (a 25 KB page: some 20 µs).
    const graphqlErrors = request.url.startsWith('/graphql') && typeof payload === 'string' && !request.graphqlAnswerClean && payload.includes('"errors"')
    if (graphqlErrors) reply.removeHeader('etag').header('cache-control', 'no-store')
    else if (reply.statusCode === 200 && (request.method === 'GET' || request.method === 'HEAD') && typeof tag === 'string' && matches(request, tag)) {
      // A streamed export that will not be sent is closed, which releases its snapshot.
      if (payload instanceof Readable) payload.destroy()
      const coding = codingOf(request, payload, reply.getHeader('content-type'), reply.getHeader('content-encoding'))
      if (coding) reply.header('etag', codedTag(uncodedTag(tag), coding))
      reply.code(304).removeHeader('content-type').removeHeader('content-disposition').removeHeader('link')
      return null
    }
    if (reply.statusCode >= 400) reply.removeHeader('etag')
    if (cache && request.cacheKey && reply.statusCode === 200 && typeof payload === 'string' && reply.getHeader('x-cache') !== 'hit') {
      if (!graphqlErrors) {
        const headers: Record<string, string> = {}
        for (const h of KEPT_HEADERS) { const v = reply.getHeader(h); if (v !== undefined) headers[h] = String(v) }
        const front = request.method === 'GET' && request.headers.origin === undefined ? frontHeaders(reply) : null
        const body = Buffer.from(payload)
        cache.set(request.cacheKey, request.cacheHit = { body, headers, front, coded: {} })
        // The bytes just made are what goes out: sending the text would encode it twice more
        // (for Content-Length, then for the socket).
        return compression ? encode(request, reply, body) : body
      }
    }
    // A long text goes out as its bytes: Fastify would measure its length in UTF-8, then the
    // socket encode it again.
    const out = typeof payload === 'string' && payload.length >= LONG_TEXT ? Buffer.from(payload) : payload
    return compression ? encode(request, reply, out) : out
  })

  /** The coding a 200 with this body would go out in, for the request: what its ETag names. */
  function codingOf(request: FastifyRequest, payload: unknown, type: unknown, encoding: unknown): Coding | null {
    return compression && compressible(payload, type, encoding) ? codingFor(request.headers['accept-encoding']) : null
  }

  /**
   * Text of a kilobyte or more goes out compressed to clients that take it. A cached answer keeps
   * each coding it was asked in, so a hit is compressed once, not on every request.
   */
  async function encode(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    if (reply.statusCode !== 200 || !compressible(payload, reply.getHeader('content-type'), reply.getHeader('content-encoding'))) return payload
    const vary = reply.getHeader('vary')
    if (!vary || !/accept-encoding/i.test(String(vary))) reply.header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding')
    const coding = codingFor(request.headers['accept-encoding'])
    if (!coding) return payload
    const entry = request.cacheHit
    let body = entry?.coded[coding]?.body
    if (!body) body = await compress(coding, payload)
    reply.header('content-encoding', coding).removeHeader('content-length')
    const etag = reply.getHeader('etag')
    if (typeof etag === 'string') reply.header('etag', codedTag(uncodedTag(etag), coding))
    if (entry && !entry.coded[coding] && cache && request.cacheKey && cache.get(request.cacheKey) === entry) {
      const front = entry.front ? frontHeaders(reply) : null
      const next = { ...entry, coded: { ...entry.coded, [coding]: { body, front } } }
      // Past the entry bound the cache would drop the entry, plain body and all.
      if (sizeOf(next, request.cacheKey) <= maxEntrySize) cache.set(request.cacheKey, next)
    }
    return body
  }

  if (!cache || !front) return
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  // Fastify logs every request at info and below; so does the front door.
  const logHits = ['trace', 'debug', 'info'].includes(app.log.level)
  // Conditional and cross-origin requests go the long way: their answers depend on more than the URL.
  front.handler = (req, res) => {
    const url = req.url!
    if (closing || req.method !== 'GET' || !cacheable(url) || req.headers.origin !== undefined || req.headers['if-none-match'] !== undefined) return false
    // Keyed as a CSV route would key it: a route without CSV keyed its answer as JSON, so an odd
    // Accept misses here and is answered on Fastify's path.
    const hit = cache.get(keyOf(currentVersion(app.storage.sqlite), acceptsCsv(req.headers.accept), url))
    if (!hit?.front) return false
    // A coding not yet kept for this entry is made on Fastify's path, which keeps it.
    const coding = compression && hit.body.length >= MIN_COMPRESSED_BYTES ? codingFor(req.headers['accept-encoding']) : null
    const coded = coding ? hit.coded[coding] : undefined
    if (coding && !coded?.front) return false
    // Over the limit: Fastify's limiter answers the 429 (and counts the request once more).
    const limits = app.countRequest(req.socket.remoteAddress ?? '')
    if (!limits) return false
    const body = coded ? coded.body : hit.body
    const headers = [...(coded?.front ?? hit.front), 'content-length', String(body.length)]
    for (const [k, v] of limits) headers.push(k, v)
    res.writeHead(200, headers).end(body)
    if (logHits) app.log.info({ req: { method: 'GET', url }, res: { statusCode: 200 }, cache: 'front' }, 'answered from the response cache')
    return true
  }
}, { name: 'caching', dependencies: ['database', 'config'] })
