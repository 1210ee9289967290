import type Database from 'better-sqlite3'
import { listPage, type KeysetPage, type PageAt } from '../../db/keyset.ts'
import { InvalidParameterError } from '../../errors.ts'

/**
 * Builds an FTS5 query from free text: every word must match, as a prefix. Words are quoted, so
 * FTS5 operators and punctuation in user input are searched for, never interpreted.
 */
export function ftsQuery(q: string): string {
  const words = q.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []
  if (words.length === 0) throw new InvalidParameterError('q: needs at least one letter or digit')
  return words.slice(0, 16).map((w) => `"${w}"*`).join(' ')
}

export interface SearchHit { recordType: string, recordId: string, title: string, snippet: string, rank: number }

/**
 * Hits ordered by relevance (bm25, lower is better), then by record: a keyset over the computed
 * rank, so later pages resume where the last one ended instead of re-ranking from the top.
 */
export function searchPage(sqlite: Database.Database, q: string, limit: number, cursor?: PageAt): KeysetPage<SearchHit> {
  return listPage<SearchHit>(sqlite, {
    from: `(SELECT record_type AS recordType, record_id AS recordId,
      CASE record_type WHEN 'event' THEN title ELSE substr(body, 1, 120) END AS title,
      snippet(search_index, 3, '[', ']', '…', 16) AS snippet, bm25(search_index) AS rank
      FROM search_index WHERE search_index MATCH ?) h`,
    select: 'h.recordType AS recordType, h.recordId AS recordId, h.title AS title, h.snippet AS snippet, h.rank AS rank',
    where: [], params: [ftsQuery(q)], limit, cursor,
    // Counting matches needs neither ranks nor snippets, which cost more than the match itself.
    count: { from: 'search_index', where: ['search_index MATCH ?'], params: [ftsQuery(q)] },
    sort: { name: 'rank', desc: false, columns: [{ expr: 'h.rank', key: 'rank' }, { expr: 'h.recordType', key: 'recordType' }, { expr: 'h.recordId', key: 'recordId' }] },
  })
}

export function search(sqlite: Database.Database, q: string, limit: number): SearchHit[] {
  return searchPage(sqlite, q, limit).rows
}
