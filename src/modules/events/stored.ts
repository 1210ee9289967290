import type Database from 'better-sqlite3'
import { count, eq, sql } from 'drizzle-orm'
import { eventDocuments, eventDocumentsStale } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import { composeEventDetailJson } from './document.ts'
import { storeRelationBrief } from './relation-briefs.ts'

// Stored event documents (event_documents) are deleted by triggers when a write changes them and
// their events queued in event_documents_stale (migrations/0012); this composes them again.

/** Documents composed at the end of one write transaction; the background refiller does the rest. */
export const WRITE_REFILL_CAP = 500
/** What the background refiller does per tick at most, and how often it looks. */
export const REFILL_TICK = { documents: 200, ms: 10, everyMs: 50 }
/** Events per transaction when filling everything (after migrations, a seed, synthetic data). */
export const FILL_CHUNK = 10_000

const eventId = sql.placeholder('eventId')
// The queue and the store: fixed statements of a row each, where drizzle's typing costs nothing
// beside composing a document.
const queue = statements((db) => ({
  size: db.select({ n: count() }).from(eventDocumentsStale).prepare(),
  any: db.select({ eventId: eventDocumentsStale.eventId }).from(eventDocumentsStale).limit(1).prepare(),
  next: db.select({ eventId: eventDocumentsStale.eventId }).from(eventDocumentsStale).limit(sql.placeholder('max')).prepare(),
  store: db.insert(eventDocuments).values({ eventId, body: sql.placeholder('body') }).onConflictDoNothing().prepare(),
  done: db.delete(eventDocumentsStale).where(eq(eventDocumentsStale.eventId, eventId)).prepare(),
}))

/**
 * Composes up to `max` queued documents (fewer once `deadline`, a performance.now() time, has
 * passed) and stores them. Must run inside a write transaction: what is composed and stored is
 * then the state the transaction commits. An event deleted since it was queued is dropped.
 */
export function refillEventDocuments(sqlite: Database.Database, max: number, deadline = Infinity): number {
  const q = queue(sqlite)
  let n = 0
  for (const { eventId: id } of q.next.all({ max })) {
    const body = composeEventDetailJson(sqlite, id)
    if (body !== undefined) {
      q.store.run({ eventId: id, body })
      storeRelationBrief(sqlite, id)
    }
    q.done.run({ eventId: id })
    n++
    if (performance.now() > deadline) break
  }
  return n
}

export function queuedEventDocuments(sqlite: Database.Database): number {
  return queue(sqlite).size.get()!.n
}

/**
 * Composes every queued document, one transaction per chunk, so a large database (every event is
 * queued by the migration that adds the table) is filled without one huge transaction.
 */
export function fillEventDocuments(sqlite: Database.Database, onProgress?: (done: number, total: number) => void, chunk = FILL_CHUNK): number {
  const total = queuedEventDocuments(sqlite)
  // Nothing queued: no write transaction, which would wait on another writer for nothing.
  if (total === 0) return 0
  const fill = sqlite.transaction(() => refillEventDocuments(sqlite, chunk))
  let done = 0
  for (let n; (n = fill.immediate()) > 0;) {
    done += n
    onProgress?.(done, total)
  }
  return done
}

/**
 * Fills what writes left queued, a few documents at a time on the serving connection, so the
 * event loop is never held long. The connection does not wait for the lock (busy_timeout 0):
 * while another process writes, a tick is skipped.
 */
export function startRefiller(sqlite: Database.Database, onError: (err: unknown) => void, tick = REFILL_TICK, quietly = (run: () => void) => run()): { stop(): void } {
  const fill = sqlite.transaction(() => refillEventDocuments(sqlite, tick.documents, performance.now() + tick.ms))
  let pausedUntil = 0
  const timer = setInterval(() => quietly(() => {
    if (!sqlite.open || sqlite.inTransaction || Date.now() < pausedUntil) return
    try {
      if (queue(sqlite).any.get() === undefined) return
      fill.immediate()
    } catch (err) {
      if (String((err as { code?: string }).code).startsWith('SQLITE_BUSY')) return
      // Reads compose what is missing meanwhile; one report every ten seconds, not twenty a second.
      pausedUntil = Date.now() + 10_000
      onError(err)
    }
  }), tick.everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}

/**
 * Runs a bulk load with the document triggers off, then deletes every stored document and queues
 * every event: per-row upkeep would add about 70 µs a synthetic event, and composing all again is
 * correct whatever the load changed. The caller fills the queue afterwards.
 */
export function withDocumentsDeferred<T>(sqlite: Database.Database, load: () => T): T {
  const triggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'event\\_doc\\_%' ESCAPE '\\' AND name <> 'event_doc_queue_ad'`).all() as { name: string, sql: string }[]
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`)
  try {
    return load()
  } finally {
    sqlite.transaction(() => {
      for (const t of triggers) sqlite.exec(t.sql)
      // At once, rather than one by one by the trigger on each document deleted next.
      sqlite.exec('DELETE FROM event_relation_briefs')
      sqlite.exec('DELETE FROM event_documents')
      sqlite.exec('INSERT OR IGNORE INTO event_documents_stale (event_id) SELECT id FROM events')
    })()
  }
}
