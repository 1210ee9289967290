import createError from '@fastify/error'

// The error catalogue: every error a client can see, with a stable code and status.
// Services throw these; the REST error handler renders them as problem+json and the GraphQL
// error formatter copies `code` into `extensions.code`.

export const NotFoundError = createError<'NOT_FOUND', 404, [string, string]>('NOT_FOUND', '%s "%s" does not exist', 404)
export const InvalidCursorError = createError<'INVALID_CURSOR', 400, [string]>('INVALID_CURSOR', 'cursor is not valid: %s', 400)
export const InvalidParameterError = createError<'INVALID_PARAMETER', 400, [string]>('INVALID_PARAMETER', '%s', 400)
export const NotAcceptableError = createError<'NOT_ACCEPTABLE', 406, [string]>('NOT_ACCEPTABLE', '%s', 406)
export const NotReadyError = createError<'NOT_READY', 503, [string]>('NOT_READY', '%s', 503)

/** Codes that are ours to show; anything else that reaches a client is an internal error. */
export const KNOWN_CODES = new Set([
  'NOT_FOUND', 'INVALID_CURSOR', 'INVALID_PARAMETER', 'NOT_ACCEPTABLE', 'NOT_READY',
  'VALIDATION_FAILED', 'ROUTE_NOT_FOUND', 'BAD_REQUEST', 'INTERNAL_ERROR', 'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
])
