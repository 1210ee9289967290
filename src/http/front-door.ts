import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyServerFactory } from 'fastify'

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
    const server: Server = createServer(options.http ?? {}, (req, res) => {
      if (!this.handler?.(req, res)) fastify(req, res)
    })
    // What Fastify sets on the server it creates itself.
    server.keepAliveTimeout = options.keepAliveTimeout
    server.requestTimeout = options.requestTimeout
    server.setTimeout(options.connectionTimeout)
    if (options.maxRequestsPerSocket && options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket
    return server
  }
}
