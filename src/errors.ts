import createError from '@fastify/error'

// The error catalogue: every error a client can see, with a stable code and status.
// Services throw these; the REST error handler renders them as problem+json and the GraphQL
// error formatter copies `code` into `extensions.code`.

export const NotFoundError = createError<'NOT_FOUND', 404, [string, string]>('NOT_FOUND', '%s "%s" does not exist', 404)
export const InvalidCursorError = createError<'INVALID_CURSOR', 400, [string]>('INVALID_CURSOR', 'cursor is not valid: %s', 400)
export const InvalidParameterError = createError<'INVALID_PARAMETER', 400, [string]>('INVALID_PARAMETER', '%s', 400)
export const NotReadyError = createError<'NOT_READY', 503, [string]>('NOT_READY', '%s', 503)
const DatabaseBusyBase = createError<'DATABASE_BUSY', 503, [string]>('DATABASE_BUSY', '%s', 503)
/** Another process (an import) held the write lock past the wait allowed; `retryAfter` in seconds. */
export class DatabaseBusyError extends DatabaseBusyBase {
  readonly retryAfter = 5
}
export const ReleaseBusyError = createError<'RELEASE_BUSY', 503, [string]>('RELEASE_BUSY', '%s', 503)
const StatsBusyBase = createError<'STATS_BUSY', 503, [string]>('STATS_BUSY', '%s', 503)
/** Every stats worker is busy and the queue is full: a moment's wait is enough; `retryAfter` in seconds. */
export class StatsBusyError extends StatsBusyBase {
  readonly retryAfter = 2
}
export const StatsTimeoutError = createError<'STATS_TIMEOUT', 503, [string]>('STATS_TIMEOUT', '%s', 503)
/**
 * The client closed its connection while its read waited or ran on a stats thread, which was then
 * stopped. No one receives this answer; 499 is the status proxies log for it.
 */
export const ClientGoneError = createError<'CLIENT_CLOSED_REQUEST', 499, [string]>('CLIENT_CLOSED_REQUEST', '%s', 499)
export const TooManyExportsError = createError<'TOO_MANY_EXPORTS', 503, [string]>('TOO_MANY_EXPORTS', '%s', 503)

export const InUseError = createError<'IN_USE', 409, [string]>('IN_USE', '%s', 409)
export const PreconditionFailedError = createError<'PRECONDITION_FAILED', 412, [string]>('PRECONDITION_FAILED', '%s', 412)
export const PreconditionRequiredError = createError<'PRECONDITION_REQUIRED', 428, [string]>('PRECONDITION_REQUIRED', '%s', 428)
export const UnauthorizedError = createError<'UNAUTHORIZED', 401, [string]>('UNAUTHORIZED', '%s', 401)
export const ForbiddenError = createError<'FORBIDDEN', 403, [string]>('FORBIDDEN', '%s', 403)

export const ReleaseExistsError = createError<'RELEASE_EXISTS', 409, [string]>('RELEASE_EXISTS', '%s', 409)
export const ReadOnlyError = createError<'READ_ONLY', 405, [string]>('READ_ONLY', '%s', 405)

export interface FieldError { parameter: string, in: string, message: string }

const UnknownReferenceBase = createError<'UNKNOWN_REFERENCE', 422, [string]>('UNKNOWN_REFERENCE', '%s', 422)
/** A payload that names a record that does not exist; `errors` lists each field. */
export class UnknownReferenceError extends UnknownReferenceBase {
  constructor(message: string, readonly errors: FieldError[]) { super(message) }
}

const WriteValidationBase = createError<'VALIDATION_FAILED', 400, [string]>('VALIDATION_FAILED', 'invalid body: %s', 400)
/** A write payload that breaks its schema; `errors` lists each field. */
export class WriteValidationError extends WriteValidationBase {
  constructor(message: string, readonly errors: FieldError[]) { super(message) }
}

/** Codes that are ours to show; anything else that reaches a client is an internal error. */
export const KNOWN_CODES = new Set([
  'NOT_FOUND', 'INVALID_CURSOR', 'INVALID_PARAMETER', 'NOT_READY',
  'VALIDATION_FAILED', 'ROUTE_NOT_FOUND', 'BAD_REQUEST', 'INTERNAL_ERROR', 'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
  'IN_USE', 'PRECONDITION_FAILED', 'PRECONDITION_REQUIRED', 'UNAUTHORIZED', 'FORBIDDEN', 'UNKNOWN_REFERENCE',
  'RATE_LIMITED', 'GRAPHQL_LIMIT_EXCEEDED', 'OVERLOADED', 'METHOD_NOT_ALLOWED', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE', 'DATABASE_BUSY',
  'TOO_MANY_EXPORTS', 'STATS_BUSY', 'STATS_TIMEOUT', 'EXPECTATION_FAILED',
  'RELEASE_EXISTS', 'READ_ONLY', 'RELEASE_BUSY',
])
