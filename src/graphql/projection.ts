import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql'

/**
 * Which row keys a query reads of the records a field returns, from the field's selection. At a
 * page of 50 records the columns nobody asked for cost more than finding the rows, so loaders read
 * brief rows (a fixed set of columns each query module names) when the selection needs no more.
 * Whatever cannot be told from the document alone (a directive) counts as needing the whole row.
 */

/** Fields that read a row key of another name: relations through their foreign key. */
const RELATIONS: Record<string, Record<string, string>> = {
  Event: { place: 'placeId' },
  Place: { parent: 'parentId' },
  Actor: { affiliation: 'affiliationId' },
  CasualtyReport: { event: 'eventId', reportedBy: 'reportedById', victimActor: 'victimActorId', perpetratorActor: 'perpetratorActorId' },
}

/** Fields computed from the record's id alone (its global id, its etag, its connections). */
const FROM_ID = new Set(['id', 'recordId', 'etag', 'revisions', 'citations', 'actors', 'casualtyReports', 'displacementCounts', 'statements', 'events'])

/** Every other field of a record type reads the row key of its own name. */
const readsOf = (type: string, field: string) => (field === '__typename' ? null : RELATIONS[type]?.[field] ?? (FROM_ID.has(field) ? 'id' : field))

type Fragments = Record<string, FragmentDefinitionNode>

/** Adds the keys a selection on `type` reads to `keys`; false when they cannot be told. */
function collect(type: string, set: SelectionSetNode, fragments: Fragments, keys: Set<string>, path: readonly string[]): boolean {
  for (const sel of set.selections) {
    if (sel.directives?.length) return false
    if (sel.kind === Kind.FIELD) {
      if (path.length === 0) {
        const key = readsOf(type, sel.name.value)
        if (key) keys.add(key)
      } else if (sel.name.value === path[0] && sel.selectionSet) {
        if (!collect(type, sel.selectionSet, fragments, keys, path.slice(1))) return false
      }
      continue
    }
    const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments[sel.name.value]
    // A fragment on another type (an interface the record also implements) is not worth telling apart.
    if (!fragment || (fragment.typeCondition && path.length === 0 && fragment.typeCondition.name.value !== type)) return false
    if (!collect(type, fragment.selectionSet, fragments, keys, path)) return false
  }
  return true
}

const known = new WeakMap<FieldNode, Map<string, ReadonlySet<string> | null>>()

/**
 * The row keys read below the field being resolved, for records of `type` reached along `paths`
 * (`[[]]` for the field's own object, `[['nodes'], ['edges', 'node']]` for a connection); null when
 * they cannot be told. Documents are parsed once and cached, so this is worked out once per query.
 */
function readKeys(info: GraphQLResolveInfo, type: string, paths: readonly (readonly string[])[]): ReadonlySet<string> | null {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : undefined
  const memo = node && known.get(node)
  const cacheKey = `${type}:${paths.map((p) => p.join('.')).join(',')}`
  if (memo?.has(cacheKey)) return memo.get(cacheKey)!
  let keys: Set<string> | null = new Set()
  for (const field of info.fieldNodes) {
    if (!keys || !field.selectionSet) break
    for (const path of paths) if (keys && !collect(type, field.selectionSet, info.fragments, keys, path)) keys = null
  }
  if (node) {
    if (!known.has(node)) known.set(node, new Map())
    known.get(node)!.set(cacheKey, keys)
  }
  return keys
}

const CONNECTION_PATHS = [['nodes'], ['edges', 'node']]

/** Whether the records a field returns (an object, or a connection's nodes) need no key outside `brief`. */
export function briefEnough(info: GraphQLResolveInfo, type: string, brief: readonly string[], connection: boolean): boolean {
  const keys = readKeys(info, type, connection ? CONNECTION_PATHS : [[]])
  if (!keys) return false
  for (const k of keys) if (!brief.includes(k)) return false
  return true
}
