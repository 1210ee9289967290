import type { Column } from 'drizzle-orm'

/**
 * A select list written from the schema's columns: `alias."column" AS "key"` for each entry, in
 * order, a key renamed where `rename` says (a row names `as_of_utc` `asOfSortKey`, for what it is).
 * The raw statements of the query modules take their lists from here, so the columns they read
 * follow the schema as the row types (`$inferSelect`) do; a column renamed or dropped there
 * changes the list with it instead of leaving a hand-written one behind.
 */
export function selectList(alias: string, columns: Record<string, Column>, rename: Record<string, string> = {}): string {
  return Object.entries(columns).map(([key, c]) => `${alias}."${c.name}" AS "${rename[key] ?? key}"`).join(', ')
}

/**
 * A select list cut down to some of its columns. Query modules keep one select list per table
 * (`expr AS key, ...`); a reader that needs few fields (GraphQL knows what a query selects) asks
 * for those keys only, since reading and converting the columns nobody asked for is most of the
 * cost of a page. Unknown keys are ignored; the list keeps its own order.
 */
export function narrowSelect(select: string, keys: Iterable<string>): string {
  const wanted = new Set(keys)
  const kept = columnsOf(select).filter((c) => wanted.has(c.key)).map((c) => c.sql)
  if (!kept.length) throw new Error('narrowSelect: no column left')
  return kept.join(', ')
}

const parsed = new Map<string, { key: string, sql: string }[]>()

/** Items of a select list with their output keys; the lists are fixed text, so each is split once. */
function columnsOf(select: string): { key: string, sql: string }[] {
  let columns = parsed.get(select)
  if (!columns) {
    columns = splitTopLevel(select).map((sql) => {
      const at = sql.search(/\sAS\s+("?)[A-Za-z_][A-Za-z0-9_]*\1$/i)
      if (at < 0) throw new Error(`narrowSelect: no alias in "${sql}"`)
      return { key: sql.slice(at).replace(/^\s+AS\s+/i, '').replace(/"/g, ''), sql }
    })
    parsed.set(select, columns)
  }
  return columns
}

/** Splits on commas outside brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0, quote = '', start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quote) { if (ch === quote) quote = ''; continue }
    if (ch === '\'' || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1 }
  }
  out.push(text.slice(start).trim())
  return out
}
