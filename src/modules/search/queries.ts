import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'
import { countRows, cursorOf, listPage, memoryPage, type KeysetPage, type PageAt, type SortSpec } from '../../db/keyset.ts'
import { InvalidParameterError } from '../../errors.ts'
import { bm25Of, commonPlan, indexTotals, isCommon, type CommonPlan } from './common.ts'

/**
 * Builds an FTS5 query from free text: every word must match, as a prefix. Words are quoted, so
 * FTS5 operators and punctuation in user input are searched for, never interpreted.
 */
export function ftsQuery(q: string): string {
  return queryWords(q).map((w) => `"${w}"*`).join(' ')
}

/** Matches of a word's exact form past which search and word-filtered lists leave the event loop. */
export const COMMON_WORD_MATCHES = 2000

/** The same words as whole terms, not prefixes. */
export function ftsTerms(q: string): string {
  return queryWords(q).map((w) => `"${w}"`).join(' ')
}

export function queryWords(q: string): string[] {
  const words = q.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []
  if (words.length === 0) throw new InvalidParameterError('q: needs at least one letter or digit')
  return words.slice(0, 16)
}

const fold = (w: string) => w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
const SNIPPET_WORDS = 16

/**
 * The words of `text` around its first hit, hits in [brackets], cut ends marked with `…`: what
 * FTS5's snippet() gives, made from the row already read. snippet() re-runs the match for each row,
 * which on a word found in a hundred thousand records costs milliseconds a row.
 */
export function snippetOf(text: string, words: string[]): string {
  const prefixes = words.map(fold)
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)]
  const hit = (t: string) => { const f = fold(t); return prefixes.some((p) => f.startsWith(p)) }
  const first = Math.max(0, tokens.findIndex((m) => hit(m[0])))
  const from = Math.max(0, Math.min(first - 3, tokens.length - SNIPPET_WORDS))
  const shown = tokens.slice(from, from + SNIPPET_WORDS)
  if (shown.length === 0) return ''
  let out = from > 0 ? '…' : ''
  let at = shown[0]!.index!
  for (const m of shown) {
    out += text.slice(at, m.index!) + (hit(m[0]) ? `[${m[0]}]` : m[0])
    at = m.index! + m[0].length
  }
  const last = shown[shown.length - 1]!
  return out + (from + shown.length < tokens.length ? '…' : text.slice(last.index! + last[0].length))
}

export interface SearchHit { recordType: string, recordId: string, title: string, snippet: string, rank: number }

/**
 * How many matches are ranked. FTS5 yields matches in rowid order, so ranking is bounded by taking
 * the most recently indexed matches first: a word found in a hundred thousand records is ranked
 * among its latest 2,000 instead of all of them (bm25 for every match took half a second at a
 * million events). Rarer words, with fewer matches than this, are ranked in full; counts are exact.
 */
export const SEARCH_CANDIDATES = 2000

const BY_RANK: SortSpec = { name: 'rank', desc: false, columns: [{ expr: 'h.rank', key: 'rank', numeric: true }, { expr: 'h.recordType', key: 'recordType' }, { expr: 'h.recordId', key: 'recordId' }] }

/** The cursor that resumes a search right after `hit`. */
export const searchCursorOf = (hit: SearchHit) => cursorOf(BY_RANK, hit)

interface Ranked { rid: number, recordType: string, recordId: string, title: string, body: string, rank: number }

/**
 * Hits ordered by relevance (bm25, lower is better), then by record: a keyset over the computed
 * rank, so later pages resume where the last one ended instead of re-ranking from the top.
 * Snippets are made for the page's rows only. Words whose exact forms are common take the path of
 * common.ts when they can (same matches, same candidates, bm25 computed here with estimated word
 * weights); the rest are ranked by FTS5's bm25.
 */
export function searchPage(sqlite: Database.Database, q: string, limit: number, cursor?: PageAt, common?: boolean): KeysetPage<SearchHit> {
  const words = queryWords(q)
  // `common` is passed by callers that have just counted, to spare a second count.
  const plan = (common ?? isCommon(sqlite, words, SEARCH_CANDIDATES)) ? commonPlan(sqlite, words, SEARCH_CANDIDATES) : undefined
  const page = plan ? commonPage(sqlite, plan, limit, cursor) : rankedPage(sqlite, ftsQuery(q), limit, cursor)
  let hits: SearchHit[] | undefined
  const withSnippets = (): SearchHit[] => {
    if (hits) return hits
    return (hits = page.rows.map(({ rid: _rid, body, ...r }) => ({ ...r, snippet: snippetOf(body, words) })))
  }
  // Delegated one by one: spreading the page would read its rows at once.
  return {
    get rows() { return withSnippets() },
    get nextCursor() { return page.nextCursor },
    cursorOf: (row) => page.cursorOf(row as unknown as Ranked),
    hasNext: () => page.hasNext(),
    hasPrevious: () => page.hasPrevious(),
    count: () => page.count(),
  }
}

function rankedPage(sqlite: Database.Database, match: string, limit: number, cursor: PageAt): KeysetPage<Ranked> {
  return listPage<Ranked>(sqlite, {
    from: `(SELECT rowid AS rid, record_type AS recordType, record_id AS recordId,
      CASE record_type WHEN 'event' THEN title ELSE substr(body, 1, 120) END AS title, body, bm25(search_index) AS rank
      FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_CANDIDATES}) h`,
    select: 'h.rid AS rid, h.recordType AS recordType, h.recordId AS recordId, h.title AS title, h.body AS body, h.rank AS rank',
    where: [], params: [match], limit, cursor,
    // Counting matches needs neither ranks nor snippets, which cost more than the match itself.
    count: { from: 'search_index', where: ['search_index MATCH ?'], params: [match] },
    sort: BY_RANK,
  })
}

/**
 * The newest candidates of common words, scored here; pages are cut from them as listPage would
 * cut them from a table. Nothing is read until rows are asked for: a GraphQL query
 * for `totalCount` alone only counts.
 */
function commonPage(sqlite: Database.Database, plan: CommonPlan, limit: number, cursor: PageAt): KeysetPage<Ranked> {
  const count = () => countRows(sqlite, { from: 'search_index', where: ['search_index MATCH ?'], params: [plan.match] })
  // Decodes the cursor now, so a bad one is refused whatever is selected.
  memoryPage([], BY_RANK, limit, cursor, count)
  let page: KeysetPage<Ranked> | undefined
  const read = () => {
    if (page) return page
    const candidates = prepared(sqlite, `SELECT rowid AS rid, record_type AS recordType, record_id AS recordId,
        CASE record_type WHEN 'event' THEN title ELSE substr(body, 1, 120) END AS title, title AS full, body
        FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_CANDIDATES}`)
      .all(plan.match) as { rid: number, recordType: string, recordId: string, title: string, full: string | null, body: string | null }[]
    const totals = indexTotals(sqlite)
    const ranked: Ranked[] = candidates.map((c) => ({
      rid: c.rid, recordType: c.recordType, recordId: c.recordId, title: c.title, body: c.body ?? '',
      rank: bm25Of(`${c.full ?? ''} ${c.body ?? ''}`, plan, totals),
    }))
    return (page = memoryPage(ranked, BY_RANK, limit, cursor, count))
  }
  return {
    get rows() { return read().rows },
    get nextCursor() { return read().nextCursor },
    cursorOf: (row) => cursorOf(BY_RANK, row),
    hasNext: () => read().hasNext(),
    hasPrevious: () => read().hasPrevious(),
    count,
  }
}

export function search(sqlite: Database.Database, q: string, limit: number, common?: boolean): SearchHit[] {
  return searchPage(sqlite, q, limit, undefined, common).rows
}
