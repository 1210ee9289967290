import type Database from 'better-sqlite3'
import DataLoader from 'dataloader'
import { countByOwner, ownerPages, ownerPagesOf, type KeysetPage, type ListSpec } from '../db/keyset.ts'
import type { PageWindow } from '../db/keyset.ts'
import { argsKey, paging, PageConnection, type Connection, type PagingArgs } from './args.ts'
import type { Pages } from './siblings.ts'

/** Whether any argument is given: most nested connections are asked for with none. */
const given = (args: Record<string, unknown>) => {
  for (const k in args) if (args[k] != null) return true
  return false
}

type SpecArgs = { limit: number, at: PageWindow } & Record<string, unknown>

/**
 * The first `limit + 1` rows of each parent row of a top-level page, in the connection's order,
 * read without the window ownerPages needs for any cursor; null when they cannot be (then it runs).
 */
export type FirstRows<T> = (parents: readonly object[], limit: number) => Map<string, T[]> | null

/**
 * Connections under each record of a page (an actor's events, an event's statements), batched:
 * all parents asking with the same arguments share one statement for their pages and, when
 * `totalCount` is selected, one grouped statement for their counts.
 */
export function ownedConnections<T extends object>(sqlite: Database.Database, specOf: (a: SpecArgs) => ListSpec, ownerExpr: string, fallback = 50, topPages?: Pages, firstRows?: FirstRows<T>) {
  const argsByKey = new Map<string, SpecArgs>()
  const split = (keys: readonly string[]) => {
    const groups = new Map<string, string[]>()
    for (const k of keys) {
      const cut = k.indexOf('\u0000')
      const [owner, a] = [k.slice(0, cut), k.slice(cut + 1)]
      groups.set(a, [...(groups.get(a) ?? []), owner])
    }
    return groups
  }
  const pages = new DataLoader<string, KeysetPage<T>>(async (keys) => {
    const found = new Map<string, KeysetPage<T>>()
    for (const [a, owners] of split(keys)) {
      const got = ownerPages<T>(sqlite, specOf(argsByKey.get(a)!), ownerExpr, owners)
      for (const o of owners) found.set(`${o}\u0000${a}`, got.get(o)!)
    }
    return keys.map((k) => found.get(k)!)
  })
  const counts = new DataLoader<string, number>(async (keys) => {
    const found = new Map<string, number>()
    for (const [a, owners] of split(keys)) {
      const got = countByOwner(sqlite, specOf(argsByKey.get(a)!), ownerExpr, owners)
      for (const o of owners) found.set(`${o}\u0000${a}`, got.get(o) ?? 0)
    }
    return keys.map((k) => found.get(k)!)
  })
  // Every parent of a page asks with the same arguments: they are checked and keyed once per request.
  const keyOfArgs = new Map<string, string>()
  const keyOf = (args: PagingArgs & Record<string, unknown>) => {
    const text = given(args) ? JSON.stringify(args) : '{}'
    let key = keyOfArgs.get(text)
    if (key === undefined) {
      const { first: _f, last: _l, after: _a, before: _b, ...rest } = args
      const { limit, at } = paging(args, fallback)
      key = argsKey({ ...rest, limit, ...at })
      argsByKey.set(key, { ...rest, limit, at })
      keyOfArgs.set(text, key)
    }
    return key
  }
  // Pages under the rows of a top-level page, read for all of them at once (see siblings.ts).
  const pageReads = new Map<readonly object[], Map<string, Map<string, KeysetPage<T>> | { error: unknown }>>()
  const readForPage = (siblings: readonly object[], key: string) => {
    let byArgs = pageReads.get(siblings)
    if (!byArgs) pageReads.set(siblings, byArgs = new Map())
    let got = byArgs.get(key)
    if (!got) {
      const parents = [...new Map(siblings.map((r) => [(r as { id: string }).id, r])).values()]
      const a = argsByKey.get(key)!
      try {
        const first = firstRows && !a.at.after && !a.at.before && !a.at.fromEnd ? firstRows(parents, a.limit) : null
        got = first
          ? ownerPagesOf<T>(sqlite, specOf(a), ownerExpr, first)
          : ownerPages<T>(sqlite, specOf(a), ownerExpr, parents.map((r) => (r as { id: string }).id))
      } catch (error) {
        got = { error }
      }
      byArgs.set(key, got)
    }
    if (got instanceof Map) return got
    throw got.error
  }
  return (owner: string, args: PagingArgs & Record<string, unknown>, parent?: object): Connection<T> | Promise<Connection<T>> => {
    const key = keyOf(args)
    const siblings = parent && topPages?.of(parent)
    if (siblings) return new OwnedConnection(readForPage(siblings, key).get(owner)!, counts, `${owner}\u0000${key}`)
    return pages.load(`${owner}\u0000${key}`).then((page) => new OwnedConnection(page, counts, `${owner}\u0000${key}`))
  }
}

/**
 * A nested connection counted through the batched counts: a class rather than a closure per
 * parent, which (with the function names the TypeScript loader keeps) cost a property definition
 * for each of a page's rows.
 */
class OwnedConnection<T> extends PageConnection<T> {
  constructor(page: KeysetPage<T>, private readonly counts: DataLoader<string, number>, private readonly key: string) {
    super(page)
  }

  override totalCount(): Promise<number> { return this.counts.load(this.key) }
}
