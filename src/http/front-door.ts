import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyServerFactory } from 'fastify'

/** How long a connection answered with a client error (408, 400, 431) may stay open for its client to read it. */
export const CLIENT_ERROR_GRACE_MS = 1000

/** Answers a request before Fastify sees it; false hands it on untouched. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * The HTTP server Fastify would create, with one handler in front of Fastify's. The response
 * cache answers its hits there: a hit needs none of the routing, validation and hooks a request
 * goes through, only the headers and body that were sent the first time. `app.inject()` calls
 * Fastify's handler directly, so only requests on a real socket meet the front door.
 */
export class FrontDoor {
  handler: FrontHandler | null = null

  readonly serverFactory: FastifyServerFactory = (fastify, opts) => {
    const options = opts as { http?: object, keepAliveTimeout: number, requestTimeout: number, connectionTimeout: number, maxRequestsPerSocket?: number }
    // Node reads the request deadlines and how often it checks them when it creates the server:
    // set afterwards, a request was checked against its deadline only every 30 s (the default
    // interval), so a body trickling in held its connection a minute or more past the timeout.
    // Node's own answer to an HTTP/1.1 request without Host is a bare 400; Fastify's hook answers it.
    const server: Server = createServer({ ...requestDeadlines(options.requestTimeout), requireHostHeader: false, ...options.http }, (req, res) => {
      if (!this.handler?.(req, res)) fastify(req, res)
    })
    // A client error (a timeout, a request that does not parse) is answered and the connection
    // ended; a client that keeps its side open and goes on sending would keep it forever (what it
    // sends resets the idle timeout), so the socket is destroyed a moment after the answer.
    // An Expect other than 100-continue: Node's own 417 has no body; this one says what is wrong.
    server.on('checkExpectation', (req, res) => {
      const body = JSON.stringify({ type: 'about:blank#EXPECTATION_FAILED', title: 'Expectation Failed', status: 417, code: 'EXPECTATION_FAILED',
        detail: `Expect: ${String(req.headers.expect)} is not met here; only 100-continue is` })
      res.writeHead(417, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', connection: 'close' }).end(body)
    })
    server.on('clientError', (_error, socket) => {
      setTimeout(() => socket.destroy(), CLIENT_ERROR_GRACE_MS).unref()
    })
    // What Fastify sets on the server it creates itself.
    server.keepAliveTimeout = options.keepAliveTimeout
    server.setTimeout(options.connectionTimeout)
    if (options.maxRequestsPerSocket && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
    return server
  }
}

/**
 * The server options that bound how long a request may take to arrive: its headers and its whole
 * body within `requestTimeout` ms (0: no bound), checked often enough that one late by more than
 * a second (less for short timeouts) is answered 408 and closed.
 */
export function requestDeadlines(requestTimeout: number) {
  return {
    requestTimeout,
    // The headers are part of the request: they get no longer than the whole of it.
    headersTimeout: requestTimeout,
    connectionsCheckingInterval: requestTimeout > 0 ? Math.min(1000, Math.max(50, Math.floor(requestTimeout / 4))) : 1000,
  }
}
