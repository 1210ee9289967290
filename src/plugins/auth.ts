import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { ForbiddenError, UnauthorizedError } from '../errors.ts'
import { allows, verifyKey, type ApiKey, type Role } from '../modules/keys/queries.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Checks the bearer key of a request for a role; throws 401 or 403 problems. */
    authorize(request: FastifyRequest, role: Role): ApiKey
  }
}

/** Reads stay public; every write names its key in `Authorization: Bearer ctk_...`. */
export default fp(async (app) => {
  app.decorate('authorize', (request: FastifyRequest, role: Role) => {
    const header = request.headers.authorization
    if (!header) throw new UnauthorizedError('this operation needs an API key: send Authorization: Bearer <key>')
    const [scheme, token] = header.split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"')
    const key = verifyKey(app.storage.sqlite, token)
    if (!key) throw new UnauthorizedError('the API key is not valid or has been revoked')
    if (!allows(key.role, role)) throw new ForbiddenError(`this operation needs the ${role} role; key "${key.name}" is ${key.role}`)
    return key
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="conflict-timeline"')
    return payload
  })
}, { name: 'auth', dependencies: ['database'] })
