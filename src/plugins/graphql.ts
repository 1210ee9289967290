import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { getOperationAST, getVariableValues, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql'
import { KNOWN_CODES } from '../errors.ts'
import { createLoaders, relationResolvers } from '../graphql/loaders.ts'
import { mutationResolvers } from '../graphql/mutations.ts'
import { resolvers } from '../graphql/resolvers.ts'
import { loadSchema } from '../graphql/schema.ts'
import { persistedQueries, TRANSPORT_CODES } from '../graphql/persisted.ts'
import { LIMIT_CODE, limitRules, RecordLimitError, requestedRecords } from '../graphql/limits.ts'
import { checkDocument, checkFieldMerging, checkOperationMethod, checkParams, checkQueryStringOperation, GraphQLValidationError, operationOf, type DocumentLimits } from '../graphql/guard.ts'
import { answerSerializer } from '../graphql/serializer.ts'
import { unsupportedMedia } from './errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The parsed document this request executes, once Mercurius has it. */
    graphqlDocument: DocumentNode | null
    /** The answer is `{ data }` alone, known before it is written (set in preSerialization). */
    graphqlAnswerClean: boolean
  }
}

/**
 * What a cached document costs at most, per token: parsed, validated and compiled documents of
 * 560-600 tokens (the most that pass validation when flat) measured 470-530 bytes a token, with
 * locations kept for error messages.
 */
const CACHED_DOCUMENT_BYTES_PER_TOKEN = 640

/**
 * schema.graphql built once per process: every app (the live one and each release opened while
 * serving) serves the same schema, and Mercurius sets the same module-level resolvers on it again.
 * Building it took 50-90 ms, the longest step of opening a release.
 */
let built: GraphQLSchema | undefined
const schema = () => (built ??= loadSchema())

/** Subscriptions one WebSocket connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 5
/** WebSocket connections the server holds at once; past it an upgrade is refused with 503. */
export const MAX_SUBSCRIPTION_CONNECTIONS = 100

type Coded = Error & { code?: string, statusCode?: number, errors?: GraphQLError[] }

/** Gives every GraphQL error a stable `extensions.code`; internal failures lose their message. */
function formatError(error: GraphQLError, log: { error: (o: object, m: string) => void }, contentType?: string) {
  const original = error.originalError as Coded | undefined
  let code: string
  let message = error.message
  if (!original && error.path) {
    // An execution error without a cause is a result that could not be coerced: ours, not the client's.
    log.error({ err: error }, 'graphql result coercion failed')
    code = 'INTERNAL_ERROR'
    message = 'Internal server error'
  } else if (!original && error.message === 'Validation aborted.') {
    // graphql-js stops validating once overlapping fields cost more than its own budget.
    code = LIMIT_CODE
    message = 'the query repeats or overlaps fields too much to be validated'
  } else if (!original) {
    code = error.extensions?.code === LIMIT_CODE ? LIMIT_CODE
      : error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED'
  } else if (!error.path && !original.code) {
    // Raised before execution (a variable of the wrong type or an unknown enum value): the
    // request is at fault, and graphql-js words these messages for the client.
    code = 'GRAPHQL_VALIDATION_FAILED'
  } else if (original.code && TRANSPORT_CODES[original.code]) {
    code = TRANSPORT_CODES[original.code]!
  } else if (original.code?.startsWith('FST_') && original.statusCode && original.statusCode < 500) {
    // Fastify's own refusals of the HTTP request (body too large, bad content type, bad JSON).
    code = ({ 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' } as Record<number, string>)[original.statusCode] ?? 'BAD_REQUEST'
    if (original.statusCode === 415) message = unsupportedMedia(contentType, 'application/json (or application/graphql)')
  } else if (original.code === 'ECONNRESET' || original.code === 'ECONNABORTED') {
    // The client went away while its body was being read: nobody reads this answer, and it is no
    // failure of the server's.
    code = 'BAD_REQUEST'
    message = 'the request was cut off before its body ended'
  } else if (original.code === 'SQLITE_BUSY') {
    code = 'DATABASE_BUSY'
    message = 'the database is busy with another writer; retry shortly'
  } else if (original.code && KNOWN_CODES.has(original.code)) {
    code = original.code
    if (Array.isArray(original.errors)) return { message, locations: error.locations, path: error.path, extensions: { ...error.extensions, code, errors: original.errors } }
  } else {
    log.error({ err: original }, 'graphql resolver failed')
    code = 'INTERNAL_ERROR'
    message = 'Internal server error'
  }
  return { message, locations: error.locations, path: error.path, extensions: { ...error.extensions, code } }
}

export default fp(async (app) => {
  const limits: DocumentLimits = {
    maxQueryBytes: app.config.graphqlMaxQueryBytes,
    maxTokens: app.config.graphqlMaxTokens,
    maxDefinitions: app.config.graphqlMaxDefinitions,
    maxVariablesBytes: app.config.graphqlMaxVariablesBytes,
  }
  // Before the response cache and Mercurius read the parameters (a WebSocket upgrade carries none).
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.url !== '/graphql' || request.headers.upgrade) return
    if (request.method === 'POST') checkParams((request.body ?? {}) as object, limits, false)
    else if (request.method === 'GET' || request.method === 'HEAD') {
      checkParams(request.query as object, limits, true)
      checkQueryStringOperation(request.query as object, request.method)
    }
  })
  const rules = limitRules(app.config)
  // What a GraphQL request over HTTP may hold; a WebSocket message is refused past it as it arrives.
  const bodyLimit = Math.min(app.config.bodyLimitBytes, limits.maxQueryBytes * 2 + limits.maxVariablesBytes + 4096)
  const cacheEntries = Math.floor(app.config.graphqlQueryCacheBytes / (app.config.graphqlMaxTokens * CACHED_DOCUMENT_BYTES_PER_TOKEN))

  // Registered here rather than by Mercurius (which takes it as it finds it), for its bounds: a
  // message is refused past the HTTP body's limit before it is read whole (Mercurius' own bound is
  // 1 MiB, whose parse alone held the event loop 285 ms), and connections are counted.
  await app.register(websocket, {
    options: {
      maxPayload: bodyLimit,
      verifyClient: (_info: unknown, done: (ok: boolean, code?: number, message?: string) => void) => {
        const open = app.websocketServer?.clients.size ?? 0
        if (open >= MAX_SUBSCRIPTION_CONNECTIONS) done(false, 503, `the server holds ${MAX_SUBSCRIPTION_CONNECTIONS} subscription connections already`)
        else done(true)
      },
    },
  })
  await app.register(mercurius, {
    schema: schema(),
    resolvers: { ...resolvers, ...mutationResolvers, ...relationResolvers },
    // Fresh loaders per request: batching and memoisation never leak between requests.
    context: () => ({ loaders: createLoaders(app.storage.sqlite) }),
    // A read-only app serves a file nothing writes to: a subscription there could never fire.
    subscription: !app.config.readOnly,
    jit: 1,
    // GraphiQL is served by the graphiql plugin from installed packages, not from a CDN.
    graphiql: false,
    // Bounded in bytes through its entries: each holds a document within the token limit.
    cache: cacheEntries > 0 ? cacheEntries : false,
    allowBatchedQueries: false,
    // A body can hold no more than a query and variables within their limits (plus the JSON around
    // them), so anything larger is refused while it streams in, before it is read into memory.
    additionalRouteOptions: { bodyLimit },
    persistedQueryProvider: persistedQueries(),
    errorFormatter: (execution, ctx) => {
      const log = ctx.reply?.log ?? app.log
      const flat = (execution.errors ?? []).flatMap((e) => {
        // Mercurius wraps parse and validation failures in one error holding the GraphQL errors.
        const original = e.originalError as Coded | undefined
        const wrapped = original?.code === 'MER_ERR_GQL_VALIDATION' || original instanceof GraphQLValidationError
        return wrapped && Array.isArray(original.errors) ? original.errors : [e]
      })
      const errors = flat.map((e) => formatError(e, log, ctx.reply?.request.headers['content-type']))
      // The same waits REST asks for: the write lock, a full stats queue.
      if (errors.some((e) => e.extensions.code === 'DATABASE_BUSY')) ctx.reply?.header('retry-after', '5')
      else if (errors.some((e) => e.extensions.code === 'STATS_BUSY')) ctx.reply?.header('retry-after', '2')
      else if (errors.some((e) => e.extensions.code === 'STATS_TIMEOUT')) ctx.reply?.header('retry-after', '10')
      // With no data, the request itself was refused: say so in the HTTP status too.
      const httpStatus = (flat[0]?.originalError as Coded | undefined)?.statusCode
      const statusCode = execution.data ? 200
        : httpStatus && httpStatus >= 400 && httpStatus < 500 && flat.length === 1 ? httpStatus
          : errors.every((e) => e.extensions.code.startsWith('GRAPHQL_')) ? 400 : 200
      // Mutations over GET are refused with 405; only POST carries them.
      if (statusCode === 405) ctx.reply?.header('allow', 'POST')
      return { statusCode, response: { data: execution.data ?? null, errors } }
    },
  })
  // Also the text behind a persisted-query hash, which the HTTP hook above never sees.
  app.graphql.addHook('preParsing', async (_schema, source) => { checkDocument(source, limits) })
  subscriptionLimits(app, limits, rules)
  // Validated here rather than by Mercurius, which keeps failed documents in a cache of their own:
  // a refused document must cost nothing once refused. Mercurius then caches only valid ones.
  app.graphql.addHook('preValidation', async (schema, document) => {
    checkFieldMerging(document)
    const errors = validate(schema, document, [...specifiedRules, ...rules])
    if (errors.length) throw new GraphQLValidationError(errors)
  })
  app.graphql.addHook('preExecution', async (schema, document, context, variables) => {
    // Every time, for documents Mercurius had cached too (a persisted query's, say).
    if (context.reply) {
      const request = context.reply.request
      const params = (request.method === 'POST' ? request.body : request.query) as { operationName?: unknown } | undefined
      checkOperationMethod(operationOf(document, params?.operationName), request.method)
    }
    const records = requestedRecords(document, variables ?? {}, schema)
    if (records > app.config.graphqlMaxNodes) {
      throw new RecordLimitError(`the query could return ${records} records, more than the limit of ${app.config.graphqlMaxNodes}: ask for smaller pages`)
    }
    if (context.reply) context.reply.request.graphqlDocument = document
  })
  app.decorateRequest('graphqlDocument', null)
  app.decorateRequest('graphqlAnswerClean', false)
  const compiled = app.config.graphqlCompiledSerializer
  app.addHook('preSerialization', async (request, reply, payload) => {
    const document = request.graphqlDocument
    const answer = payload as { data?: unknown } | null
    if (!document || answer === null || typeof answer !== 'object' || !answer.data || Object.keys(answer).length !== 1) return payload
    // An answer with data and nothing else: the response cache need not search its text for errors.
    request.graphqlAnswerClean = true
    if (!compiled) return payload
    // Written by a serializer made for its query, set as this reply's serializer, which Fastify
    // runs instead of the route's after these hooks.
    const params = (request.method === 'GET' ? request.query : request.body) as { operationName?: unknown } | undefined
    const operationName = typeof params?.operationName === 'string' ? params.operationName : undefined
    const serialize = answerSerializer(app.graphql.schema, document, operationName)
    if (serialize) reply.serializer(serialize)
    return payload
  })
}, { name: 'graphql', dependencies: ['database', 'config', 'curation', 'auth'] })

const checked = Symbol('subscription document checked')
type SubscriptionContext = { request?: { raw?: { socket?: { destroy(): void } } }, [checked]?: boolean }

/** A refusal sent on the subscription's socket: a GraphQL error with the code HTTP would give. */
const refusal = (message: string, code: string) => new GraphQLError(message, { extensions: { code } })

/**
 * Subscriptions arrive over the WebSocket, past the hooks that check a request over HTTP: each
 * document gets the same checks here (length and tokens, the schema and the limit rules, the
 * records it could return), and a connection holds at most MAX_SUBSCRIPTIONS_PER_CONNECTION.
 * Checked before Mercurius keeps anything of the subscription. Every subscription runs its
 * selection once per write, so an unchecked one (100,000 aliases, or 20,000 subscriptions on one
 * socket) held the event loop over a second on every write.
 */
function subscriptionLimits(app: FastifyInstance, limits: DocumentLimits, rules: ReturnType<typeof limitRules>) {
  const active = new WeakMap<object, Set<unknown>>()
  app.graphql.addHook('preSubscriptionParsing', async (schema, source, context, id) => {
    try {
      checkDocument(source, limits)
    } catch (err) {
      throw refusal((err as Error).message, (err as Coded).code ?? 'GRAPHQL_VALIDATION_FAILED')
    }
    // Mercurius has parsed it already, but keeps the tree to itself; the text is within the limits.
    const document = parse(source)
    try {
      checkFieldMerging(document)
    } catch (err) {
      throw refusal((err as Error).message, LIMIT_CODE)
    }
    const errors = validate(schema, document, [...specifiedRules, ...rules])
    if (errors.length) throw refusal(errors.map((e) => e.message).join('; '), errors.some((e) => e.extensions?.code === LIMIT_CODE) ? LIMIT_CODE : 'GRAPHQL_VALIDATION_FAILED')
    const records = requestedRecords(document, {}, schema)
    if (records > app.config.graphqlMaxNodes) throw refusal(`the subscription could return ${records} records, more than the limit of ${app.config.graphqlMaxNodes}`, LIMIT_CODE)
    const owner = (context as SubscriptionContext).request ?? context
    let held = active.get(owner)
    if (!held) active.set(owner, held = new Set())
    // A second subscription under a running one's id could never be completed on its own.
    if (held.has(id)) throw refusal(`a subscription with id ${JSON.stringify(id)} is running on this connection already: complete it first, or give this one another id`, 'BAD_REQUEST')
    if (held.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) throw refusal(`a connection holds at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions; complete one first`, LIMIT_CODE)
    held.add(id)
    ;(context as SubscriptionContext)[checked] = true
  })
  // A document sent as a syntax tree rather than text skips the parsing hook, and every check with it.
  app.graphql.addHook('preSubscriptionExecution', async (_schema, _document, context) => {
    const c = context as SubscriptionContext
    if (c[checked]) return
    c.request?.raw?.socket?.destroy()
    throw refusal('a subscription\'s query must be a string', 'BAD_REQUEST')
  })
  app.graphql.addHook('onSubscriptionEnd', async (context, id) => {
    // A complete before any subscription started comes with no context.
    if (!context) return
    const owner = (context as SubscriptionContext).request ?? context
    active.get(owner)?.delete(id)
  })
  // Messages Mercurius cannot read (not a JSON object with a type, a subscribe without a payload
  // holding a query) made it fail inside: its error text went to the client, or the connection
  // was dropped with an error logged. They close the connection with 4400, as graphql-transport-ws
  // says an invalid message does; so do a second connection_init (4429) and a subscribe before
  // the first (4401). A subscribe whose operation or variables Mercurius would fail on (no such
  // operation, not a subscription, variables of the wrong type) is refused here with the code
  // HTTP would give. An `error` ends its operation (the protocol says so): whatever Mercurius
  // kept of it is completed, so its id and its place on the connection are free again.
  app.addHook('onReady', async () => {
    app.websocketServer?.on('connection', (socket: WebSocketLike) => {
      const emit = socket.emit.bind(socket)
      const send = socket.send.bind(socket)
      const transportWs = socket.protocol === 'graphql-transport-ws'
      let initialised = false
      let subscribed = false
      // The ids of the subscriptions handed to Mercurius and not yet completed or refused.
      const running = new Set<unknown>()
      const refuse = (id: unknown, error: GraphQLError) => send(JSON.stringify({ type: 'error', id, payload: [error.toJSON()] }))
      socket.send = (data: unknown, ...rest: unknown[]) => {
        send(data, ...rest)
        const id = typeof data === 'string' && data.startsWith('{"type":"error","id":') ? (JSON.parse(data) as { id?: unknown }).id : undefined
        if (running.delete(id)) emit('message', Buffer.from(JSON.stringify({ type: transportWs ? 'complete' : 'stop', id })), false)
      }
      socket.emit = (event: string | symbol, ...args: unknown[]) => {
        if (event === 'message') {
          const { problem, type, message } = readMessage(args[0], args[1] === true, transportWs)
          if (problem) {
            socket.close(4400, problem)
            return true
          }
          if (type === 'connection_init') {
            if (initialised && transportWs) { socket.close(4429, 'Too many initialisation requests'); return true }
            initialised = true
          } else if (type === 'subscribe' || type === 'start') {
            if (!initialised && transportWs) { socket.close(4401, 'Unauthorized'); return true }
            const { id, payload } = message as { id: unknown, payload: SubscribePayload }
            // A second subscription under a running one's id could never be completed on its own.
            const refused = running.has(id)
              ? refusal(`a subscription with id ${JSON.stringify(id)} is running on this connection already: complete it first, or give this one another id`, 'BAD_REQUEST')
              : subscribeProblem(app.graphql.schema, payload, limits)
            if (refused) { refuse(id, refused); return true }
            running.add(id)
            subscribed = true
          } else if (type === 'complete' || type === 'stop') {
            running.delete((message as { id?: unknown }).id)
            // Nothing to complete yet: ignored, as the protocol says (Mercurius failed on it and
            // dropped the connection).
            if (!subscribed) return true
          }
        }
        return emit(event, ...args)
      }
    })
  })
}

interface SubscribePayload { query: string, operationName?: unknown, variables?: unknown }

/**
 * What Mercurius would fail on in a subscribe message, past the document's own checks (made in
 * preSubscriptionParsing): text that does not parse, an operation name that names none, an
 * operation that is no subscription, variables that are not an object or do not fit the
 * operation. A document past the length or token limits is left to those checks, which say why.
 */
export function subscribeProblem(schema: GraphQLSchema, payload: SubscribePayload, limits: DocumentLimits): GraphQLError | null {
  const { query, operationName, variables } = payload
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return refusal('operationName is a string', 'BAD_REQUEST')
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return refusal('variables are a JSON object', 'BAD_REQUEST')
  let document: DocumentNode
  try {
    checkDocument(query, limits)
  } catch {
    return null
  }
  try {
    document = parse(query)
  } catch (err) {
    // Mercurius would parse it first and send the syntax error without a code.
    return refusal((err as Error).message, 'GRAPHQL_PARSE_FAILED')
  }
  const operation = getOperationAST(document, operationName ?? undefined)
  if (!operation) {
    return refusal(operationName ? `no operation named ${JSON.stringify(operationName)} in the document` : 'the document holds several operations: name one in operationName', 'GRAPHQL_VALIDATION_FAILED')
  }
  if (operation.operation !== 'subscription') return refusal(`a ${operation.operation} is sent over HTTP; the WebSocket serves subscriptions`, 'BAD_REQUEST')
  const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>)
  return errors?.length ? refusal(errors.map((e) => e.message).join('; '), 'BAD_REQUEST') : null
}

type WebSocketLike = {
  emit(event: string | symbol, ...args: unknown[]): boolean, close(code: number, reason: string): void
  send(data: unknown, ...rest: unknown[]): void, protocol: string
}

/** What a client may send under graphql-transport-ws. */
const TRANSPORT_WS_TYPES = new Set(['connection_init', 'ping', 'pong', 'subscribe', 'complete'])

/**
 * A subscription protocol message, its type, or what is wrong with it when Mercurius cannot read
 * it. Under graphql-transport-ws a type the protocol does not define is one.
 */
export function readMessage(data: unknown, isBinary: boolean, transportWs = true): { problem?: string, type?: string, message?: unknown } {
  let message: unknown
  try {
    message = JSON.parse(isBinary || !(typeof data === 'string') ? String(data) : data)
  } catch {
    return { problem: 'a message is a JSON object' }
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return { problem: 'a message is a JSON object' }
  const { type, id, payload } = message as { type?: unknown, id?: unknown, payload?: unknown }
  if (typeof type !== 'string') return { problem: 'a message names its type' }
  if (transportWs && !TRANSPORT_WS_TYPES.has(type)) return { problem: `graphql-transport-ws has no message of type ${JSON.stringify(type).slice(0, 40)}` }
  if (type === 'subscribe' || type === 'start') {
    if (typeof id !== 'string' && typeof id !== 'number') return { problem: `a ${type} message names its id` }
    if (payload === null || typeof payload !== 'object' || typeof (payload as { query?: unknown }).query !== 'string') return { problem: `a ${type} message's payload holds the query as a string` }
  }
  return { type, message }
}
