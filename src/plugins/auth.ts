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

const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i

/** Reads stay public; every write names its key in `Authorization: Bearer ctk_...`. */
export default fp(async (app) => {
  app.decorate('authorize', (request: FastifyRequest, role: Role) => {
    const header = request.headers.authorization
    if (!header) throw new UnauthorizedError('this operation needs an API key: send Authorization: Bearer <key>')
    // The whole header must be the scheme and one token (RFC 6750 b64token): anything after the
    // key would otherwise be ignored, and a header that reads as something else must not pass.
    const token = BEARER.exec(header)?.[1]
    if (!token) throw new UnauthorizedError('the Authorization header must be "Bearer <key>"')
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
