import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DatabaseBusyError } from '../errors.ts'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: { parameter: string, in: string, message: string }[]
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed',
  422: 'Unprocessable Content', 428: 'Precondition Required', 405: 'Method Not Allowed', 406: 'Not Acceptable', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Omit<Problem, 'type' | 'title' | 'instance'>) {
  const problem: Problem = {
    type: `about:blank#${p.code}`,
    title: TITLES[p.status] ?? 'Error',
    ...p,
    instance: request.url,
  }
  return reply.code(p.status).type('application/problem+json').header('cache-control', 'no-store').send(problem)
}

/** One renderer for every REST error: problem+json with a stable code, no internals on 5xx. */
export default fp(async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request'
      const errors = error.validation.map((v) => {
        const params = v.params as { keys?: string[] } | undefined
        const keys = v.keyword === 'unrecognized_keys' ? params?.keys ?? [] : []
        const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
        const parameter = keys.length ? keys.map((k) => (path ? `${path}.${k}` : k)).join(', ') : path || where
        const message = keys.length ? `unknown ${where === 'querystring' ? 'query parameter' : 'field'}` : v.message ?? 'invalid'
        return { parameter, in: where, message }
      })
      const detail = errors.map((e) => `${e.parameter}: ${e.message}`).join('; ')
      return sendProblem(reply, request, { status: 400, code: 'VALIDATION_FAILED', detail: `invalid ${where}: ${detail}`, errors })
    }
    if (error.code === 'SQLITE_BUSY') error = new DatabaseBusyError('the database is busy with another writer; retry shortly')
    const status = error.statusCode ?? 500
    if (status === 503) reply.header('retry-after', String((error as { retryAfter?: number }).retryAfter ?? 10))
    if (status >= 500) {
      if (status !== 503) request.log.error({ err: error }, 'request failed')
      return sendProblem(reply, request, { status, code: status === 503 ? (error.code ?? 'SERVICE_UNAVAILABLE') : 'INTERNAL_ERROR', detail: status === 503 ? error.message : 'The server failed to handle this request; it has been logged.' })
    }
    // Fastify's own 4xx (bad JSON, body too large...) carry FST_* codes; keep ours stable.
    const code = error.code?.startsWith('FST_') ? fastifyCode(status) : error.code ?? fastifyCode(status)
    const errors = (error as { errors?: Problem['errors'] }).errors
    return sendProblem(reply, request, { status, code, detail: error.message, ...(Array.isArray(errors) ? { errors } : {}) })
  })

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, { status: 404, code: 'ROUTE_NOT_FOUND', detail: `no route for ${request.method} ${request.url.split('?')[0]}` }))
}, { name: 'errors' })

function fastifyCode(status: number): string {
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE'
  if (status === 404) return 'NOT_FOUND'
  return 'BAD_REQUEST'
}
