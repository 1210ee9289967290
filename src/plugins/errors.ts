import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
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
    // Under a release, the path the client asked for: the release app answers under linkBase.
    instance: `${request.server.config?.linkBase ?? ''}${request.url}`,
  }
  return reply.code(p.status).type('application/problem+json').header('cache-control', 'no-store').send(problem)
}

/** One renderer for every REST error: problem+json with a stable code, no internals on 5xx. */
export default fp(async (app) => {
  /**
   * What is wrong with a request before any route reads it, in one hook (each hook costs every
   * request a call):
   * - a query string that is not valid percent-encoding: the parser decodes leniently (a bad escape
   *   kept as it came, an overlong UTF-8 sequence made U+FFFD), so `q=army%zz` searched for text
   *   nobody sent; a path with the same bytes was already refused;
   * - an HTTP/1.1 request without Host (RFC 9112, 3.2): Node's own refusal had no body;
   * - a body sent with a Content-Encoding: a gzip body was read as JSON and refused as "not valid
   *   JSON", and a plain body labelled deflate was taken. Either is a 415.
   */
  app.addHook('onRequest', async (request, reply) => {
    const url = request.raw.url ?? ''
    const at = url.indexOf('?')
    if (at !== -1 && url.indexOf('%', at) !== -1) {
      try {
        decodeURIComponent(url.slice(at + 1))
      } catch {
        return sendProblem(reply, request, { status: 400, code: 'BAD_REQUEST', detail: 'the query string is not valid percent-encoding: each % takes two hex digits, and the bytes they make must be UTF-8' })
      }
    }
    const { headers } = request
    if (headers.host === undefined && request.raw.httpVersion === '1.1') {
      return sendProblem(reply, request, { status: 400, code: 'BAD_REQUEST', detail: 'an HTTP/1.1 request names its Host' })
    }
    const coding = headers['content-encoding']
    if (coding !== undefined && !/^\s*identity\s*$/i.test(coding) && (headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0)) {
      return sendProblem(reply, request, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: `Content-Encoding ${coding} is not read: send the body uncompressed, without Content-Encoding` })
    }
  })
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request'
      const errors = error.validation.flatMap((v) => {
        const params = v.params as { keys?: string[] } | undefined
        const keys = v.keyword === 'unrecognized_keys' ? params?.keys ?? [] : []
        let path = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
        // An item of a comma-separated list (`type=attack,nosuch`) is named by its parameter and its
        // value, not as `type.1`.
        let item = ''
        const listed = where === 'querystring' ? /^([^.]+)\.(\d+)$/.exec(path) : null
        if (listed) {
          const raw = (request.query as Record<string, unknown> | undefined)?.[listed[1]!]
          const value = typeof raw === 'string' ? raw.split(',')[Number(listed[2])] : undefined
          path = listed[1]!
          item = value === undefined ? `item ${Number(listed[2]) + 1}: ` : `${JSON.stringify(value)}: `
        }
        // Each unknown key is an entry of its own, as the write engine lists them.
        if (keys.length) return keys.map((k) => ({ parameter: path ? `${path}.${k}` : k, in: where, message: `unknown ${where === 'querystring' ? 'query parameter' : 'field'}` }))
        const parameter = path || where
        // A parameter given twice reaches the schema as an array, which it then reports as a type
        // ("expected number, received NaN"): say what the client did instead.
        const given = where === 'querystring' && !path.includes('.') ? (request.query as Record<string, unknown> | undefined)?.[path] : undefined
        const message = Array.isArray(given) ? `given ${given.length} times; give it once` : `${item}${v.message ?? 'invalid'}`
        return [{ parameter, in: where, message }]
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
    // An INVALID_PARAMETER names its parameters before the colon ("from, to: ..."): listed as the
    // validation errors are, so a client reads every bad parameter from one place.
    const named = error.code === 'INVALID_PARAMETER' ? /^([A-Za-z][\w.]*(?:, [A-Za-z][\w.]*)*): (.+)$/s.exec(error.message) : null
    const errors = (error as { errors?: Problem['errors'] }).errors
      ?? (named ? named[1]!.split(', ').map((parameter) => ({ parameter, in: request.routeOptions.schema?.params && parameter in ((request.params as object | undefined) ?? {}) ? 'params' : 'querystring', message: named[2]! })) : undefined)
    const detail = status === 415 ? unsupportedMedia(request.headers['content-type'], 'application/json') : error.message
    return sendProblem(reply, request, { status, code, detail, ...(Array.isArray(errors) ? { errors } : {}) })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!
    // A path that exists under other methods is a 405 naming them, not a 404. OPTIONS is left out
    // of the probe because CORS answers it on every path.
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }))
    // A handler that found nothing (callNotFound) leaves its own method among the allowed: a 404.
    if (allowed.length && !allowed.includes(request.method)) {
      reply.header('allow', [...allowed, 'OPTIONS'].join(', '))
      return sendProblem(reply, request, { status: 405, code: 'METHOD_NOT_ALLOWED', detail: `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}` })
    }
    return sendProblem(reply, request, { status: 404, code: 'ROUTE_NOT_FOUND', detail: `no route for ${request.method} ${path}` })
  })
}, { name: 'errors' })

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * Errors Fastify raises before a route is found: a path segment longer than the router keeps
 * (`maxParamLength`) or a URL that does not decode. Ids are at most 200 characters, so the router
 * keeps longer segments and the route's own validation names the parameter; what is left is longer
 * still, and gets the same 400.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const detail = 'a path parameter is too long'
    return sendProblem(reply, request, { status: 400, code: 'VALIDATION_FAILED', detail, errors: [{ parameter: 'path', in: 'params', message: detail }] })
  }
  return sendProblem(reply, request, { status: 400, code: 'BAD_REQUEST', detail: error.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid percent-encoding' : error.message })
}

/**
 * Node's answer to a request it cannot parse (a malformed header line, headers too large, a
 * timeout) is written straight to the socket; this writes a problem+json instead.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const code = status === 408 ? 'REQUEST_TIMEOUT' : status === 431 ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST'
  const detail = status === 408 ? 'the request did not arrive in time' : status === 431 ? 'the request headers are too large' : 'the request could not be parsed as HTTP'
  const body = JSON.stringify({ type: `about:blank#${code}`, title: STATUS_CODES[status], status, detail, code })
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`)
  } else {
    socket.destroy(error)
  }
}

/** A 415's message: the type the body came with (shortened) and the one to send instead. */
export function unsupportedMedia(sent: string | undefined, accepted: string): string {
  const type = (sent ?? '').slice(0, 100)
  return `a body of type ${type ? JSON.stringify(type) : '(none given)'} is not read here: send ${accepted}`
}

function fastifyCode(status: number): string {
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE'
  if (status === 404) return 'NOT_FOUND'
  if (status === 403) return 'FORBIDDEN'
  return 'BAD_REQUEST'
}
