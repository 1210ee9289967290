import fp from 'fastify-plugin'
import { readVersion } from '../db/dataset.ts'
import { wantsCsv } from '../http/reply.ts'

declare module 'fastify' {
  interface FastifyRequest {
    datasetVersion: number
  }
}

/**
 * Every representation is a function of the URL, its format and the dataset version, so the
 * version is the ETag: a matching If-None-Match is answered with 304 before any query runs.
 */
export default fp(async (app) => {
  app.decorateRequest('datasetVersion', 0)
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return
    const path = request.url
    if (!path.startsWith('/v1/')) return
    const version = readVersion(app.storage.sqlite).version
    request.datasetVersion = version
    const etag = `"v${version}-${wantsCsv(request) ? 'csv' : 'json'}"`
    reply.header('etag', etag).header('cache-control', 'public, max-age=60').header('vary', 'Accept')
    const match = request.headers['if-none-match']
    if (match && (match === '*' || match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) {
      return reply.code(304).send()
    }
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400) reply.removeHeader('etag')
    return payload
  })
}, { name: 'caching', dependencies: ['database'] })
