import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import {
  getNamedType, getNullableType, GraphQLError, isInterfaceType, isListType, isObjectType, Kind, visit,
  type GraphQLNamedType, type GraphQLSchema, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode,
  type ValidationContext, type ValidationRule, type ValueNode,
} from 'graphql'
import type { Config } from '../config/config.ts'

export const LIMIT_CODE = 'GRAPHQL_LIMIT_EXCEEDED'
const DEFAULT_PAGE = 50

/**
 * graphql-armor throws a "Syntax Error: ..." by default; reporting through the validation context
 * instead gives a clean message with our code, so clients can tell a limit from a mistake.
 */
const reportLimit = {
  propagateOnRejection: false,
  onReject: [(ctx: ValidationContext | null, e: GraphQLError) => ctx?.reportError(
    new GraphQLError(e.message.replace(/^Syntax Error: /, ''), { nodes: e.nodes, extensions: { code: LIMIT_CODE } }))],
  exposeLimits: true,
}

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!node) return undefined
  if (node.kind === Kind.INT) return Number(node.value)
  if (node.kind === Kind.VARIABLE) {
    const v = variables[node.name.value]
    return typeof v === 'number' ? v : undefined
  }
  return undefined
}

/**
 * Plain lists (not connections) and the most entries each can hold, from the write rules (an
 * event names at most 100 actors, a statement at most 100 events, a record at most 50 citations).
 * What is nested under such a list runs once per entry, so it is multiplied by that bound.
 */
const LIST_BOUNDS: Record<string, number> = {
  'Event.actors': 100,
  'Statement.events': 100,
  citations: 50,
}
/** What a list of records without a known bound is taken to hold. */
const UNKNOWN_LIST = 100

/**
 * The bound of a plain list of records, or undefined for a list of flat values made by one
 * statement (stats rows and figures, facet values, summary rows), which costs nothing per entry.
 */
function listBound(parent: string, field: string, type: GraphQLNamedType | undefined): number | undefined {
  const bound = LIST_BOUNDS[`${parent}.${field}`] ?? LIST_BOUNDS[field]
  if (bound !== undefined) return bound
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node') ? UNKNOWN_LIST : undefined
}
/** The most ids Query.nodes takes. */
const MAX_IDS = 200

/** The ids Query.nodes is given: a literal list's length, a variable's, or the most it takes. */
function idCount(node: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (node?.kind === Kind.LIST) return node.values.length
  if (node?.kind === Kind.VARIABLE) {
    const v = variables[node.name.value]
    if (Array.isArray(v)) return v.length
  }
  return MAX_IDS
}

/**
 * The number of records a query can ask for: every `first` multiplies what is below it, so
 * events(first: 200) { actors { actor { events(first: 200) } } } asks for 200 events, and 200 more
 * for each of the up to 100 actors of each: 4,000,200. `nodes(ids:)` counts its ids and multiplies
 * what is below it by them; a plain list (an event's actors, a statement's events, citations)
 * multiplies what is below it by the most entries it can hold (LIST_BOUNDS), its own entries being
 * counted once per parent. Depth and cost rules alone let such queries through. Counted before
 * execution, once variables are known; types are followed through fragments so that a list is
 * told from a connection's `nodes`.
 */
export function requestedRecords(document: DocumentNode, variables: Record<string, unknown>, schema?: GraphQLSchema): number {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
  const typeNamed = (name: string | undefined, fallback: GraphQLNamedType | undefined) => (name && schema?.getType(name)) || fallback
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, factor: number, seen: Set<string>): number => {
    if (!set) return 0
    let total = 0
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined
        const type = field ? getNamedType(field.type) : undefined
        const first = sel.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last')
        if (field && parent!.name === 'Query' && sel.name.value === 'nodes') {
          const ids = idCount(sel.arguments?.find((a) => a.name.value === 'ids')?.value, variables)
          total += factor * ids + walk(sel.selectionSet, type, factor * ids, seen)
          continue
        }
        const list = field && !/(Connection|Edge)$/.test(parent!.name) && isListType(getNullableType(field.type)) && sel.selectionSet
        const bound = list && !first ? listBound(parent!.name, sel.name.value, type) : undefined
        if (bound !== undefined) {
          total += factor + walk(sel.selectionSet, type, factor * bound, seen)
          continue
        }
        // A connection asked for without first or last still returns a default page.
        const pageSize = first ? intValue(first.value, variables) ?? DEFAULT_PAGE : selectsPage(sel.selectionSet, fragments) ? DEFAULT_PAGE : undefined
        const here = pageSize === undefined ? factor : factor * pageSize
        total += (pageSize === undefined ? 0 : here) + walk(sel.selectionSet, type, here, seen)
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += walk(sel.selectionSet, typeNamed(sel.typeCondition?.name.value, parent), factor, seen)
      } else if (!seen.has(sel.name.value)) {
        const fragment = fragments.get(sel.name.value)
        total += walk(fragment?.selectionSet, typeNamed(fragment?.typeCondition.name.value, parent), factor, new Set([...seen, sel.name.value]))
      }
    }
    return total
  }
  let most = 0
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue
    // A variable left out takes its declared default, which is what execution will use.
    const defaults: Record<string, unknown> = {}
    for (const v of d.variableDefinitions ?? []) {
      if (v.defaultValue?.kind === Kind.INT) defaults[v.variable.name.value] = Number(v.defaultValue.value)
    }
    const given = variables
    variables = { ...defaults, ...Object.fromEntries(Object.entries(given).filter(([, x]) => x !== null && x !== undefined)) }
    most = Math.max(most, walk(d.selectionSet, schema?.getRootType(d.operation) ?? undefined, 1, new Set()))
    variables = given
  }
  return most
}

/** Whether a selection reads a connection's rows (`nodes` or `edges`), directly or through fragments. */
function selectsPage(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): boolean {
  return (set?.selections ?? []).some((s) => s.kind === Kind.FIELD ? s.name.value === 'nodes' || s.name.value === 'edges'
    : s.kind === Kind.INLINE_FRAGMENT ? selectsPage(s.selectionSet, fragments, seen)
      : !seen.has(s.name.value) && selectsPage(fragments.get(s.name.value)?.selectionSet, fragments, new Set([...seen, s.name.value])))
}

export class RecordLimitError extends Error {
  readonly code = LIMIT_CODE
  readonly statusCode = 400
}

/** Validation rules from the configured limits; fixed per server, so Mercurius can cache validated queries. */
/**
 * A mutation operation holds one write. Each write commits in a transaction of its own, and the
 * write fields are non-null, so with two a failure of the second nulled the whole answer (and set
 * the HTTP status) while the first stayed committed: the client could not tell what was written.
 * Fields reached through fragments on the Mutation type count too; `__typename` does not.
 */
export const oneWritePerMutation: ValidationRule = (context) => {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
  const writes = (set: SelectionSetNode, seen: Set<string>): string[] => set.selections.flatMap((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === '__typename' ? [] : [sel.alias?.value ?? sel.name.value]
    if (sel.kind === Kind.INLINE_FRAGMENT) return writes(sel.selectionSet, seen)
    const f = fragments.get(sel.name.value)
    return f && !seen.has(f.name.value) ? writes(f.selectionSet, new Set([...seen, f.name.value])) : []
  })
  return {
    OperationDefinition(node) {
      if (node.operation !== 'mutation') return
      const fields = writes(node.selectionSet, new Set())
      if (fields.length > 1) {
        context.reportError(new GraphQLError(`a mutation request holds one write, and this one holds ${fields.length} (${fields.join(', ')}): send each in a request of its own, or import a file for many`, { nodes: [node] }))
      }
    },
  }
}

/**
 * Fields whose `first` sizes a page of flat rows made by one query (eventStats' groups: a key and
 * figures, no resolver below them), not a page of records whose selections each cost work.
 */
const FLAT_PAGES = new Set(['eventStats'])

const withoutFlatPageSizes = <T extends ASTNode>(node: T): T => visit(node, {
  Field(field) {
    if (!FLAT_PAGES.has(field.name.value)) return undefined
    return { ...field, arguments: field.arguments?.filter((a) => a.name.value !== 'first' && a.name.value !== 'last') }
  },
})

/**
 * graphql-armor's cost limit, multiplying by a literal `first` or `last` as it does, but not on
 * FLAT_PAGES: there it made `eventStats(first: 1000)` cost 120 times what the same page cost with
 * `first` left to its default of 1000, so a client writing the default out was refused. Those pages
 * are bounded by their own limit (5,000 rows) and the stats workers' time limit.
 */
function pageCostRule(options: Parameters<typeof costLimitRule>[0]): ValidationRule {
  const rule = costLimitRule(options)
  return (context) => {
    const seen = new Proxy(context, {
      get(target, key) {
        if (key === 'getFragment') return (name: string) => { const f = target.getFragment(name); return f && withoutFlatPageSizes(f) }
        const value = Reflect.get(target, key, target) as unknown
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
      },
    })
    const visitor = rule(seen) as unknown as { OperationDefinition: { enter(node: OperationDefinitionNode): void } }
    return { OperationDefinition: { enter: (node: OperationDefinitionNode) => visitor.OperationDefinition.enter(withoutFlatPageSizes(node)) } }
  }
}

export function limitRules(config: Config): ValidationRule[] {
  return [
    oneWritePerMutation,
    maxDepthRule({ n: config.graphqlMaxDepth, ...reportLimit }),
    // Every alias counts, `__typename`'s too (the rule's default list lets those through unbounded).
    maxAliasesRule({ n: config.graphqlMaxAliases, allowList: [], ...reportLimit }),
    maxDirectivesRule({ n: 20, ...reportLimit }),
    pageCostRule({ maxCost: config.graphqlMaxCost, ...reportLimit }),
  ]
}
