import type { FastifyCorsOptions } from '@fastify/cors'
import type { Config } from '../config/config.ts'

/**
 * What a browser page on an allowed origin may do. Writes need the key and the version checks
 * (If-Match) to cross origins; a client keeping a copy needs to read the ETag, the next page
 * (Link), how long to back off (Retry-After) and the version an export was read at.
 */
export function corsOptions(config: Config): FastifyCorsOptions {
  return {
    origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Accept'],
    exposedHeaders: ['ETag', 'Link', 'Retry-After', 'X-Dataset-Version', 'Content-Disposition'],
    // Lets a browser skip the preflight of repeated writes for ten minutes.
    maxAge: 600,
    // An OPTIONS request without Origin (not a browser's preflight: curl, a monitor) is answered
    // the same 204 naming the methods and headers, rather than a plain-text 400.
    strictPreflight: false,
  }
}
