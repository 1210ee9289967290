import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'

/**
 * Search on common words without FTS5's two costs that grow with the whole set of matches:
 *
 * - A prefix query (`"record"*`) gathers every match of every term with that prefix into one list
 *   before it yields its first row: 33 ms for a word in a million records, whatever the LIMIT. The
 *   same words as an OR of the index's own terms (`"record" OR "records"`) are read lazily, newest
 *   first, and the first 2,000 take a fraction of a millisecond. The terms come from FTS5's
 *   vocabulary, so the two queries match the same records.
 * - bm25() counts every match of each word to weigh it (24 ms a word in a million records). Here the
 *   candidates are scored with the same formula in JavaScript, each word's weight taken from an
 *   estimate of how many records hold it (see wordDocs).
 */

/** Terms past which a word is searched as FTS5's prefix query after all: each costs a count of its matches. */
const MAX_EXTENSIONS = 16

const vocabReady = new WeakSet<Database.Database>()

/** FTS5's vocabulary of the search index, a temp table of the connection (it works on read-only ones too). */
function vocab(sqlite: Database.Database): void {
  if (vocabReady.has(sqlite)) return
  sqlite.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_index, 'row')`)
  vocabReady.add(sqlite)
}

/**
 * Words the vocabulary can be asked about: FTS5's tokenizer lowercases ASCII as JavaScript does,
 * while its folding of other scripts is its own. Short words have too many longer terms.
 */
const plainWord = (w: string) => /^[A-Za-z0-9]{3,}$/.test(w)

interface Term { term: string, docs: number }

/**
 * The indexed terms that start with `word` and are longer than it, with the number of records each
 * is in. Counting a term reads all its matches, so the word itself is left out (its own count is
 * the expensive one) and longer terms are read only up to the bound; past it, undefined.
 */
function extensions(sqlite: Database.Database, word: string): Term[] | undefined {
  vocab(sqlite)
  const rows = prepared(sqlite, `SELECT term, doc AS docs FROM temp.search_vocab WHERE term >= ? AND term < ? LIMIT ${MAX_EXTENSIONS + 1}`)
    .all(`${word}\u0001`, `${word}\u{10FFFF}`) as Term[]
  return rows.length > MAX_EXTENSIONS ? undefined : rows
}

const quote = (term: string) => `"${term.replaceAll('"', '""')}"`

export interface CommonPlan {
  /** The FTS5 query: each word as its terms ORed, the words ANDed. */
  match: string
  words: string[]
  /** Estimated records holding each word (any of its terms). */
  docs: number[]
}

/**
 * Share of the index's rows matching `match` (an OR of terms, read lazily), estimated from how
 * densely its newest `sample` matches lie; 0 when it has fewer matches than that.
 */
export function matchDensity(sqlite: Database.Database, match: string, sample: number): number {
  const nth = prepared(sqlite, `SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ${sample - 1}`)
    .pluck().get(match) as number | undefined
  if (nth === undefined) return 0
  const top = prepared(sqlite, 'SELECT max(rowid) FROM search_index').pluck().get() as number
  return Math.min(1, sample / (top - nth + 1))
}

/** Matches of the words' exact forms past which their search takes this path. */
export function isCommon(sqlite: Database.Database, words: string[], bound: number): boolean {
  const n = prepared(sqlite, 'SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT ?)')
    .pluck().get(words.map(quote).join(' '), bound + 1) as number
  return n > bound
}

/**
 * How to search common words by terms, or undefined when a word is not plain ASCII or has too
 * many longer terms (FTS5's prefix query then does it, as for rare words).
 */
export function commonPlan(sqlite: Database.Database, words: string[], sample: number): CommonPlan | undefined {
  if (!words.every(plainWord)) return undefined
  const lower = words.map((w) => w.toLowerCase())
  const groups: string[] = []
  const docs: number[] = []
  for (const w of lower) {
    const ext = extensions(sqlite, w)
    if (!ext) return undefined
    groups.push(ext.length ? `(${[w, ...ext.map((e) => e.term)].map(quote).join(' OR ')})` : quote(w))
    docs.push(wordDocs(sqlite, w, sample) + ext.reduce((s, e) => s + e.docs, 0))
  }
  return { match: groups.join(' AND '), words: lower, docs }
}

/**
 * Records holding `word` exactly. Up to `sample` matches it is their count; past that, it is
 * estimated from how densely the newest `sample` matches lie among the index's rows, which takes
 * one lazy read instead of a count of every match.
 */
function wordDocs(sqlite: Database.Database, word: string, sample: number): number {
  const density = matchDensity(sqlite, quote(word), sample)
  if (density === 0) return prepared(sqlite, 'SELECT count(*) FROM search_index WHERE search_index MATCH ?').pluck().get(quote(word)) as number
  return Math.round(density * indexTotals(sqlite).rows)
}

/**
 * Rows and tokens in the index, from FTS5's own averages record (id 1 of its data table: a varint
 * count of rows, then one varint total of tokens for each column), which FTS5 keeps current.
 */
export function indexTotals(sqlite: Database.Database): { rows: number, avgTokens: number } {
  const block = prepared(sqlite, 'SELECT block FROM search_index_data WHERE id = 1').pluck().get() as Buffer | undefined
  if (!block) return { rows: 0, avgTokens: 0 }
  let at = 0
  const values: number[] = []
  while (at < block.length) {
    let v = 0
    let i = 0
    // SQLite's varint: seven bits a byte, high bit set on all but the last; a ninth byte gives eight.
    for (; i < 8 && at < block.length; i++) {
      const b = block[at++]!
      v = v * 128 + (b & 0x7f)
      if (!(b & 0x80)) break
    }
    if (i === 8 && at < block.length) v = v * 256 + block[at++]!
    values.push(v)
  }
  const [rows = 0, ...columns] = values
  const tokens = columns.reduce((s, c) => s + c, 0)
  return { rows, avgTokens: rows ? tokens / rows : 0 }
}

const K1 = 1.2
const B = 0.75
const ASCII = /^[\x00-\x7f]*$/
const fold = (t: string) => t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()

/** A text's words, folded as the index folds them (ASCII text, most of it, the quick way). */
const wordsOf = (text: string): string[] => (ASCII.test(text)
  ? text.toLowerCase().match(/[a-z0-9]+/g) ?? []
  : (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((t) => (ASCII.test(t) ? t.toLowerCase() : fold(t))))

/**
 * bm25 as FTS5 computes it (k1 1.2, b 0.75, every column weighing 1, lower is better), the hits of
 * each word counted in the record's own words: a word's hits are the words that start with it.
 */
export function bm25Of(text: string, plan: CommonPlan, totals: { rows: number, avgTokens: number }): number {
  const tokens = wordsOf(text)
  const hits = new Array<number>(plan.words.length).fill(0)
  for (const t of tokens) {
    for (let i = 0; i < plan.words.length; i++) if (t.startsWith(plan.words[i]!)) hits[i]!++
  }
  const norm = K1 * (1 - B + B * tokens.length / (totals.avgTokens || 1))
  let score = 0
  for (let i = 0; i < hits.length; i++) {
    const n = plan.docs[i]!
    // FTS5 gives words in more than half the rows a weight of one millionth instead of a negative one.
    const idf = Math.log((totals.rows - n + 0.5) / (n + 0.5))
    score += (idf > 0 ? idf : 1e-6) * (hits[i]! * (K1 + 1)) / (hits[i]! + norm)
  }
  return -score
}
