import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import type { GraphQLError } from 'graphql'
import { KNOWN_CODES } from '../errors.ts'
import { createLoaders, relationResolvers } from '../graphql/loaders.ts'
import { mutationResolvers } from '../graphql/mutations.ts'
import { resolvers } from '../graphql/resolvers.ts'
import { loadSchema } from '../graphql/schema.ts'
import { persistedQueries, TRANSPORT_CODES } from '../graphql/persisted.ts'
import { LIMIT_CODE, limitRules, RecordLimitError, requestedRecords } from '../graphql/limits.ts'

type Coded = Error & { code?: string, statusCode?: number, errors?: GraphQLError[] }

/** Gives every GraphQL error a stable `extensions.code`; internal failures lose their message. */
function formatError(error: GraphQLError, log: { error: (o: object, m: string) => void }) {
  const original = error.originalError as Coded | undefined
  let code: string
  let message = error.message
  if (!original && error.path) {
    // An execution error without a cause is a result that could not be coerced: ours, not the client's.
    log.error({ err: error }, 'graphql result coercion failed')
    code = 'INTERNAL_ERROR'
    message = 'Internal server error'
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
  await app.register(mercurius, {
    schema: loadSchema(),
    resolvers: { ...resolvers, ...mutationResolvers, ...relationResolvers },
    // Fresh loaders per request: batching and memoisation never leak between requests.
    context: () => ({ loaders: createLoaders(app.storage.sqlite) }),
    subscription: true,
    jit: 1,
    graphiql: app.config.graphiql,
    validationRules: limitRules(app.config),
    allowBatchedQueries: false,
    persistedQueryProvider: persistedQueries(),
    errorFormatter: (execution, ctx) => {
      const log = ctx.reply?.log ?? app.log
      const flat = (execution.errors ?? []).flatMap((e) => {
        // Mercurius wraps parse and validation failures in one error holding the GraphQL errors.
        const original = e.originalError as Coded | undefined
        return original?.code === 'MER_ERR_GQL_VALIDATION' && Array.isArray(original.errors) ? original.errors : [e]
      })
      const errors = flat.map((e) => formatError(e, log))
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
  app.graphql.addHook('preExecution', async (_schema, document, _context, variables) => {
    const records = requestedRecords(document, variables ?? {})
    if (records > app.config.graphqlMaxNodes) {
      throw new RecordLimitError(`the query could return ${records} records, more than the limit of ${app.config.graphqlMaxNodes}: ask for smaller pages`)
    }
  })
}, { name: 'graphql', dependencies: ['database', 'config', 'curation', 'auth'] })
