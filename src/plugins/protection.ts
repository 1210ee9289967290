import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import rateLimit from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import underPressure from '@fastify/under-pressure'
import { sendProblem } from './errors.ts'

const UNLIMITED = new Set(['/health', '/ready'])

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Counts one request of a client against the rate limit, for answers given outside Fastify's
     * hooks (the response cache's front door): the headers to send, or null when over the limit.
     */
    countRequest(ip: string): [string, string][] | null
  }
  interface FastifyReply {
    /** Sends the headers of an HTML page (helmet's, with the page CSP) in place of an API answer's. */
    asDocument(): FastifyReply
  }
}

interface Counter { current: number, ttl: number }
interface Store { incr(key: string, done: (err: Error | null, counter: Counter) => void, window: number, max: number): void }

/**
 * What a public API needs to stay up: security headers (for pages, a CSP that allows nothing from
 * other hosts: the docs and GraphiQL are served whole from here), a per-client rate limit, and a
 * 503 with Retry-After while the event loop is saturated.
 */
/**
 * The headers helmet sets, computed once: with no per-request nonce they are the same on every
 * response, and helmet's Fastify adapter rebuilds its middleware (parsing the CSP) per request.
 */
function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] },
  }
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => { if (err) throw err })
  return headers
}

/**
 * What every answer of the API carries (JSON, CSV, NDJSON, the schema): nothing in it is a page to
 * render, so its policy allows nothing at all and no framing, as large public APIs send. The
 * headers that only mean something to a rendered document (its CSP, referrer, opener and DNS
 * prefetch policies, the old download and XSS switches) go on HTML pages alone: about 600 bytes
 * less on every small answer, and fewer headers for Node to check and write on a cache hit.
 */
function apiHeaders(page: Record<string, string>): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': page['cross-origin-resource-policy']!,
    'strict-transport-security': page['strict-transport-security']!,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  }
}

export default fp(async (app) => {
  const page = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI and GraphiQL's editor set style attributes at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
      },
    },
    // The API is meant to be read from other origins (CORS decides who); keep resources shareable.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  })
  const api = apiHeaders(page)
  // Every key of the API's set is in the document's, so a page's headers replace them all.
  for (const k of Object.keys(api)) if (!(k in page)) throw new Error(`the page headers lack ${k}`)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(api)
    done()
  })
  app.decorateReply('asDocument', function (this: FastifyReply) {
    return this.headers(page)
  })

  const { rateLimitMax: max, rateLimitWindowMs: window } = app.config
  // The limiter's counters, shared with countRequest. Its memory store counts synchronously.
  let counters: Store | undefined
  class SharedStore extends (LocalStore as unknown as new (...args: unknown[]) => Store & { child(o: object): Store }) {
    override child(options: object) { return (counters = super.child(options)) }
  }
  app.decorate('countRequest', (ip: string) => {
    if (!counters) return []
    let counter: Counter | undefined
    counters.incr(ip, (_err, c) => { counter = c }, window, max)
    if (!counter || counter.current > max) return null
    return [['x-ratelimit-limit', String(max)], ['x-ratelimit-remaining', String(max - counter.current)], ['x-ratelimit-reset', String(Math.ceil(counter.ttl / 1000))]]
  })

  if (max > 0) {
    // Applied as an application-wide onRequest hook rather than per route, so that it runs before
    // anything else answers: 304s and response-cache hits are counted too.
    await app.register(rateLimit, { global: false, store: SharedStore as never })
    app.addHook('onRequest', app.rateLimit({
      max,
      timeWindow: window,
      allowList: (request) => UNLIMITED.has(request.url),
      errorResponseBuilder: (_request, context) => Object.assign(
        new Error(`rate limit of ${context.max} requests per ${Math.round(app.config.rateLimitWindowMs / 1000)} s exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`),
        { statusCode: 429, code: 'RATE_LIMITED' },
      ),
    }))
  }

  // On close, Node stops accepting and drops the connections idle at that moment; one still
  // answering (a long export) would then stay open on keep-alive long after its response ends
  // and hold the shutdown. Drop each such connection as soon as its response is done.
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onResponse', async () => {
    if (closing) setImmediate(() => app.server.closeIdleConnections())
  })

  if (app.config.maxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: app.config.maxEventLoopDelayMs,
      retryAfter: 10,
      // under-pressure goes on down the hook chain once this returns, or once a promise it returns
      // settles; Fastify stops there only if the reply is sent by then. The reply's onSend hooks
      // run asynchronously, so the promise waits for the response to finish: otherwise the route
      // ran too, doing all its work for an answer already refused.
      pressureHandler: (request, reply, type, value) => {
        reply.header('retry-after', '10')
        return Promise.resolve(sendProblem(reply, request, { status: 503, code: 'OVERLOADED', detail: `the server is overloaded (${type}: ${String(value)}); retry in 10 s` })).then(() => {})
      },
    })
  }
}, { name: 'protection', dependencies: ['config', 'errors'] })
