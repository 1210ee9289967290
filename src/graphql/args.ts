import { z } from 'zod'
import { InvalidParameterError } from '../errors.ts'
import { DateFilter, LIMIT_MAX } from '../http/schemas.ts'
import type { KeysetPage } from '../db/keyset.ts'
import type { MercuriusContext } from 'mercurius'

export const sqliteOf = (ctx: MercuriusContext) => ctx.app.storage.sqlite

/** `first` is capped as REST's `limit` is, and an out-of-range value is an error, not a silent clamp. */
export function pageSize(first: number | null | undefined, fallback = 50): number {
  const n = first ?? fallback
  if (!Number.isInteger(n) || n < 1 || n > LIMIT_MAX) throw new InvalidParameterError(`first: must be between 1 and ${LIMIT_MAX}`)
  return n
}

const DateArgs = z.object({ from: DateFilter.optional(), to: DateFilter.optional(), updatedSince: DateFilter.optional() })

/** Checks the date fields of a filter input with the same rules as the REST query string. */
export function checkedFilter<T extends object>(filter: T | null | undefined): T {
  const f = (filter ?? {}) as T & Record<string, unknown>
  const dates = Object.fromEntries(['from', 'to', 'updatedSince'].filter((k) => f[k] != null).map((k) => [k, f[k]]))
  const parsed = DateArgs.safeParse(dates)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InvalidParameterError(`filter.${issue.path.join('.')}: ${issue.message}`)
  }
  for (const k of ['minKilled', 'maxKilled', 'minDisplaced', 'maxDisplaced']) {
    if (f[k] != null && (f[k] as number) < 0) throw new InvalidParameterError(`filter.${k}: must be 0 or more`)
  }
  // GraphQL gives null for fields set to null; the query layer treats undefined as "no filter".
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v != null)) as T
}

export function connection<T>(page: KeysetPage<T>) {
  return {
    nodes: page.rows,
    edges: page.rows.map((node) => ({ cursor: page.cursorOf(node), node })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor ?? (page.rows.length ? page.cursorOf(page.rows[page.rows.length - 1]!) : null) },
  }
}

/** Orders loader results as the loader's queries were ordered. */
export function byKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string | null): (T | null)[] {
  const map = new Map<string, T>()
  for (const r of rows) { const k = keyOf(r); if (k !== null) map.set(k, r) }
  return keys.map((k) => map.get(k) ?? null)
}

export function groupedByKey<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>()
  for (const r of rows) { const k = keyOf(r); const l = map.get(k); if (l) l.push(r); else map.set(k, [r]) }
  return keys.map((k) => map.get(k) ?? [])
}
