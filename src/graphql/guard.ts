import { getOperationAST, GraphQLError, Kind, Lexer, parse, Source, TokenKind, type DocumentNode, type FragmentDefinitionNode, type OperationTypeNode, type SelectionSetNode } from 'graphql'
import { LIMIT_CODE } from './limits.ts'

/** Limits applied to a GraphQL request before Mercurius parses, validates or caches anything. */
export interface DocumentLimits {
  maxQueryBytes: number
  maxTokens: number
  maxDefinitions: number
  maxVariablesBytes: number
}

/** Brackets of any kind nested deeper than this are refused: the parser and validators recurse. */
export const MAX_NESTING = 64
/** Values nested deeper than this in `variables` are refused: input coercion recurses. */
export const MAX_VARIABLE_DEPTH = 16

export class GraphQLLimitError extends Error {
  readonly code = LIMIT_CODE
  readonly statusCode = 400
}

export class GraphQLRequestError extends Error {
  readonly code = 'BAD_REQUEST'
  readonly statusCode = 400
}

/** Validation failures, carried whole so each reaches the client with its own location. */
export class GraphQLValidationError extends Error {
  readonly code = 'GRAPHQL_VALIDATION_FAILED'
  readonly statusCode = 400
  constructor(readonly errors: readonly GraphQLError[]) { super('the query is not valid against the schema') }
}

/** An operation the HTTP method cannot carry: a mutation over GET or HEAD. */
export class GraphQLMethodError extends Error {
  readonly code = 'METHOD_NOT_ALLOWED'
  readonly statusCode = 405
}

class GraphQLParseError extends Error {
  readonly code = 'GRAPHQL_PARSE_FAILED'
  readonly statusCode = 400
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L])
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R])
const OPERATION_KEYWORDS = new Set(['query', 'mutation', 'subscription', 'fragment'])

/**
 * One pass of the lexer over the document, stopping at the first limit crossed: the cost is
 * bounded by the limits, not by what the client sent. Counts tokens, bracket nesting and top-level
 * definitions (each executable definition has exactly one selection set opened at depth 0).
 * Also refuses text that only a JSON parser would accept: Mercurius reads a document that fails to
 * parse as a JSON-encoded AST, which would skip every check made on the text.
 */
export function checkDocument(query: string, limits: DocumentLimits): void {
  if (query.length > limits.maxQueryBytes || Buffer.byteLength(query) > limits.maxQueryBytes) {
    throw new GraphQLLimitError(`the query is longer than ${limits.maxQueryBytes} bytes`)
  }
  const lexer = new Lexer(new Source(query))
  let tokens = 0
  let depth = 0
  let definitions = 0
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) throw new GraphQLLimitError(`the query has more than ${limits.maxTokens} tokens`)
      if (tokens === 1 && token.kind !== TokenKind.BRACE_L && !(token.kind === TokenKind.NAME && OPERATION_KEYWORDS.has(token.value))) {
        throw new GraphQLParseError(`Syntax Error: a document starts with "{", query, mutation, subscription or fragment, not ${token.kind} at 1:${token.column}`)
      }
      // Depth 1 at the second token means the first opened a selection set.
      if (tokens === 2 && depth === 1 && token.kind !== TokenKind.NAME && token.kind !== TokenKind.SPREAD) {
        throw new GraphQLParseError(`Syntax Error: expected a field name, found ${token.kind} at ${token.line}:${token.column}`)
      }
      if (OPENING.has(token.kind)) {
        if (depth === 0 && token.kind === TokenKind.BRACE_L && ++definitions > limits.maxDefinitions) {
          throw new GraphQLLimitError(`the document has more than ${limits.maxDefinitions} operations and fragments`)
        }
        if (++depth > MAX_NESTING) throw new GraphQLLimitError(`the query nests brackets more than ${MAX_NESTING} deep`)
      } else if (CLOSING.has(token.kind)) {
        depth--
      }
    }
  } catch (err) {
    if (err instanceof GraphQLError) throw new GraphQLParseError(err.message)
    throw err
  }
  if (tokens === 0) throw new GraphQLParseError('Syntax Error: the document is empty')
}

/**
 * Walks `variables` without recursion, refusing values nested too deep or too large before graphql
 * coerces them (its coercion recurses, and a deep enough value overflows the stack).
 */
export function checkVariables(variables: unknown, limits: DocumentLimits): void {
  if (variables === undefined || variables === null) return
  if (typeof variables !== 'object' || Array.isArray(variables)) throw new GraphQLRequestError('variables must be a JSON object')
  const stack: [unknown, number][] = [[variables, 1]]
  let bytes = 0
  while (stack.length) {
    const [value, depth] = stack.pop()!
    if (depth > MAX_VARIABLE_DEPTH) throw new GraphQLLimitError(`variables nest more than ${MAX_VARIABLE_DEPTH} levels deep`)
    if (typeof value === 'string') bytes += value.length + 2
    else if (value === null || typeof value !== 'object') bytes += 8
    else {
      for (const [k, v] of Object.entries(value)) {
        bytes += k.length + 4
        stack.push([v, depth + 1])
      }
    }
    if (bytes > limits.maxVariablesBytes) throw new GraphQLLimitError(`variables are larger than ${limits.maxVariablesBytes} bytes`)
  }
}

interface GraphQLParams { query?: unknown, variables?: unknown, operationName?: unknown, extensions?: unknown }

/**
 * The shape of a request's parameters, checked before anything else reads them: a query that is
 * not a string (or is missing without a persisted-query hash) is the client's mistake, named as such.
 */
export function checkParams(params: GraphQLParams, limits: DocumentLimits, fromQueryString: boolean): void {
  if (Array.isArray(params)) throw new GraphQLRequestError('batched queries are not accepted: send one query per request')
  const extensions = fromQueryString && typeof params.extensions === 'string' ? safeJson(params.extensions) : params.extensions
  if (extensions !== undefined && extensions !== null && (typeof extensions !== 'object' || Array.isArray(extensions))) {
    throw new GraphQLRequestError('extensions must be a JSON object')
  }
  const persisted = typeof extensions === 'object' && extensions !== null && 'persistedQuery' in extensions
  if (params.query === undefined || params.query === null) {
    if (!persisted) throw new GraphQLRequestError('query is required: a string holding a GraphQL document')
  } else if (typeof params.query !== 'string') {
    throw new GraphQLRequestError('query must be a string holding a GraphQL document')
  } else if (params.query === '' && !persisted) {
    // Mercurius reads an empty query as a persisted query's hash alone, and answers "Unknown query".
    throw new GraphQLParseError('Syntax Error: the document is empty')
  }
  if (params.operationName !== undefined && params.operationName !== null && typeof params.operationName !== 'string') {
    throw new GraphQLRequestError('operationName must be a string')
  }
  const variables = fromQueryString && typeof params.variables === 'string' ? safeJson(params.variables) : params.variables
  checkVariables(variables, limits)
}

const INVALID = Symbol('invalid JSON')
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return INVALID
  }
}

/**
 * The operation a request runs, as graphql-js picks it: named by `operationName`, or the only one
 * in the document. Refused by name when there is none to pick, rather than failing further on.
 */
export function operationOf(document: DocumentNode, operationName: unknown): OperationTypeNode {
  const name = typeof operationName === 'string' ? operationName : undefined
  const operation = getOperationAST(document, name)
  if (operation) return operation.operation
  const message = name !== undefined ? `Unknown operation named "${name}".`
    : document.definitions.some((d) => d.kind === 'OperationDefinition') ? 'Must provide operation name if query contains multiple operations.'
      : 'the document holds no operation to run, only fragments'
  throw new GraphQLValidationError([new GraphQLError(message)])
}

/**
 * What an HTTP method may run: queries over any, mutations over POST only, subscriptions over the
 * WebSocket only. Checked on every request, cached documents included, before anything runs.
 */
export function checkOperationMethod(operation: OperationTypeNode, method: string): void {
  if (operation === 'subscription') {
    throw new GraphQLRequestError('subscriptions are served over a WebSocket at /graphql (graphql-transport-ws or graphql-ws), not over HTTP')
  }
  if (operation === 'mutation' && method !== 'POST') throw new GraphQLMethodError(`a mutation is sent with POST, not ${method}`)
}

/**
 * For GET and HEAD, the document's operation checked before Mercurius looks at it: its own check
 * of GET requests failed with a TypeError on an operationName naming no operation, and did not
 * apply to HEAD at all, which ran mutations. A document that does not parse is left for Mercurius
 * to report; the text is within the limits checkParams applies.
 */
export function checkQueryStringOperation(params: GraphQLParams, method: string): void {
  if (typeof params.query !== 'string' || params.query === '') return
  let document: DocumentNode
  try {
    document = parse(params.query, { noLocation: true })
  } catch {
    return
  }
  checkOperationMethod(operationOf(document, params.operationName), method)
}

/** Pairs of same-named fields graphql-js may compare while checking that fields merge. */
export const MAX_MERGE_PAIRS = 5000
/** Field selections walked (fragments expanded) before a document is refused as too large to check. */
const MAX_WALKED_FIELDS = 100_000

/**
 * Refuses a document whose fields graphql-js would compare too many times over. Checking that
 * same-named fields can merge compares every pair of fields at one response path, fragments
 * expanded, and the pairs below each: `{ dataset { version } }` repeated 440 times, within the
 * token limit, took 344 ms of the event loop, and three levels repeated five times each 50 ms.
 * The pairs are counted here per response path (n selections at a path make n(n-1)/2), in time
 * bounded by MAX_WALKED_FIELDS, before validation runs.
 */
export function checkFieldMerging(document: DocumentNode): void {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
  let pairs = 0
  let walked = 0
  const refuse = () => new GraphQLLimitError(`the query selects the same fields too many times over to be checked (more than ${MAX_MERGE_PAIRS} pairs of same-named fields): select each field once`)
  const walk = (set: SelectionSetNode, path: string, seen: Set<string>, at: Map<string, number>) => {
    // This set's fields, its inline fragments' and its fragments' (each spread once, as graphql-js does).
    const spread = new Set<string>()
    const stack: SelectionSetNode[] = [set]
    while (stack.length) {
      for (const sel of stack.pop()!.selections) {
        if (sel.kind === Kind.FIELD) {
          const key = `${path}\u0000${sel.alias?.value ?? sel.name.value}`
          const n = at.get(key) ?? 0
          at.set(key, n + 1)
          pairs += n
          if (pairs > MAX_MERGE_PAIRS || ++walked > MAX_WALKED_FIELDS) throw refuse()
          if (sel.selectionSet) walk(sel.selectionSet, key, seen, at)
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          stack.push(sel.selectionSet)
        } else if (!spread.has(sel.name.value) && !seen.has(sel.name.value)) {
          spread.add(sel.name.value)
          const f = fragments.get(sel.name.value)
          // A fragment spreading itself is refused by validation; here it is not expanded again.
          if (f) walk(f.selectionSet, path, new Set([...seen, f.name.value]), at)
        }
      }
    }
  }
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, '', new Set(), new Map())
    else if (d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet, '', new Set([d.name.value]), new Map())
  }
}
