import fp from 'fastify-plugin'
import { ReadOnlyError } from '../../errors.ts'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])
const MUTATION = /\bmutation\b/

/**
 * A read-only server (a replica, or a pinned release) refuses every write before it reaches the
 * write engine, with an error that says where writes go. Registered only in read-only mode, so the
 * primary pays nothing for it.
 */
export default fp(async (app) => {
  if (!app.config.readOnly) return
  const where = app.config.primaryUrl ? `send writes to the primary at ${app.config.primaryUrl}` : 'it serves a frozen release that never changes'
  const refuse = () => new ReadOnlyError(`this server is read-only: ${where}`)
  app.addHook('onRequest', async (request, reply) => {
    if (READS.has(request.method) || request.url === '/graphql') return
    reply.header('allow', 'GET, HEAD')
    throw refuse()
  })
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || request.url !== '/graphql') return
    const query = (request.body as { query?: unknown } | undefined)?.query
    if (typeof query === 'string' && MUTATION.test(query)) {
      reply.header('allow', 'GET, HEAD')
      throw refuse()
    }
  })
}, { name: 'read-only', dependencies: ['config'] })
