import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'
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

export function search(sqlite: Database.Database, q: string, limit: number): SearchHit[] {
  return prepared(sqlite, `SELECT record_type AS recordType, record_id AS recordId,
      CASE record_type WHEN 'event' THEN title ELSE substr(body, 1, 120) END AS title,
      snippet(search_index, 3, '[', ']', '…', 16) AS snippet, bm25(search_index) AS rank
    FROM search_index WHERE search_index MATCH ? ORDER BY rank, record_id LIMIT ?`).all(ftsQuery(q), limit) as SearchHit[]
}
