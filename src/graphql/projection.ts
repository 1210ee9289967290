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

/** The row keys read below the fields being resolved, for records of `type` reached along `paths`; null when they cannot be told. */
function readKeys(info: GraphQLResolveInfo, type: string, paths: readonly (readonly string[])[]): Set<string> | null {
  const keys = new Set<string>()
  for (const field of info.fieldNodes) {
    if (!field.selectionSet) continue
    for (const path of paths) if (!collect(type, field.selectionSet, info.fragments, keys, path)) return null
  }
  return keys
}

/** Where the records sit below a field: the field's own object, a connection's nodes, a link's target. */
export const OBJECT: readonly (readonly string[])[] = [[]]
export const CONNECTION: readonly (readonly string[])[] = [['nodes'], ['edges', 'node']]
export const LINKED_ACTOR: readonly (readonly string[])[] = [['actor']]

/** Answers per field of a parsed document (documents are cached, so each is worked out once), per brief set. */
const known = new WeakMap<FieldNode, Map<readonly string[], boolean>>()

/**
 * Whether the records of `type` below a field, along `paths`, need no row key outside `brief` (a
 * constant of a query module). For a given field the type and paths never change.
 */
export function briefEnough(info: GraphQLResolveInfo, type: string, brief: readonly string[], paths: readonly (readonly string[])[]): boolean {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : undefined
  const memo = node && known.get(node)
  const hit = memo?.get(brief)
  if (hit !== undefined) return hit
  const keys = readKeys(info, type, paths)
  const answer = keys !== null && [...keys].every((k) => brief.includes(k))
  if (node) {
    if (memo) memo.set(brief, answer)
    else known.set(node, new Map([[brief, answer]]))
  }
  return answer
}

/**
 * Whether any of `names` is selected on the records below a field, along `paths`; true when it
 * cannot be told (a fragment or a directive), as reading more is never wrong.
 */
export function selectsAny(info: GraphQLResolveInfo, paths: readonly (readonly string[])[], names: readonly string[]): boolean {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : undefined
  const hit = node && asked.get(node)?.get(names)
  if (hit !== undefined) return hit
  const on = (set: SelectionSetNode, path: readonly string[]): boolean => set.selections.some((sel) => {
    if (sel.kind !== Kind.FIELD || sel.directives?.length) return true
    if (path.length === 0) return names.includes(sel.name.value)
    return sel.name.value === path[0] && sel.selectionSet !== undefined && on(sel.selectionSet, path.slice(1))
  })
  const answer = info.fieldNodes.some((f) => f.selectionSet !== undefined && paths.some((p) => on(f.selectionSet!, p)))
  if (node) asked.set(node, (asked.get(node) ?? new Map()).set(names, answer))
  return answer
}

const asked = new WeakMap<FieldNode, Map<readonly string[], boolean>>()
