import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import { sendProblem } from './errors.ts'

const UNLIMITED = new Set(['/health', '/ready'])

/**
 * What a public API needs to stay up: security headers with a CSP that allows nothing from other
 * hosts (the docs and GraphiQL are served whole from here), a per-client rate limit, and a 503 with
 * Retry-After while the event loop is saturated.
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

export default fp(async (app) => {
  const security = securityHeaders({
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
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(security)
    done()
  })

  if (app.config.rateLimitMax > 0) {
    // Applied as an application-wide onRequest hook rather than per route, so that it runs before
    // anything else answers: 304s and response-cache hits are counted too.
    await app.register(rateLimit, { global: false })
    app.addHook('onRequest', app.rateLimit({
      max: app.config.rateLimitMax,
      timeWindow: app.config.rateLimitWindowMs,
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
      pressureHandler: (request, reply, type, value) => {
        reply.header('retry-after', '10')
        void sendProblem(reply, request, { status: 503, code: 'OVERLOADED', detail: `the server is overloaded (${type}: ${String(value)}); retry in 10 s` })
      },
    })
  }
}, { name: 'protection', dependencies: ['config', 'errors'] })
