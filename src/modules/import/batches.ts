import { setTimeout as sleep } from 'node:timers/promises'
import type Database from 'better-sqlite3'
import { ImportFileError, rowReason, type Rejection, type RowOutcome, type Tally } from './report.ts'
import { refillEventDocuments, WRITE_REFILL_CAP } from '../events/stored.ts'

/** One input row, ready to be written. */
export interface WorkItem {
  /** 1-based line (CSV, NDJSON) or record number (JSON document) of the row in its file. */
  row: number
  externalId: string | null
  /** Maps and writes the row. It runs inside the row's savepoint, so throwing undoes only this row. */
  apply(): RowOutcome
  /** Told what became of the row once its batch has committed. */
  settled?(result: RowOutcome | Rejection): void
}

/**
 * A pause between batches, with the write lock released: a server waiting for the lock retries at
 * most 18 ms apart (WriteEngine.attempt), so each of its writes gets in after one batch at most
 * instead of racing the next BEGIN. At 500 rows a batch this costs 40 ms per 1,000 rows.
 */
export const WRITER_GAP_MS = 20
export const yieldToWriters = () => sleep(WRITER_GAP_MS)

/**
 * How long a batch keeps asking for the write lock before the import stops. SQLite's busy handler
 * waits 5 s a time; two imports and a server writing at once can take turns past that, and a
 * batch that did not get the lock has written nothing, so it simply asks again.
 */
export const LOCK_WAIT_MS = 120_000

/**
 * Writes rows in batches: one transaction per batch, one savepoint per row inside it. A bad row
 * rolls back to its savepoint and the rest of the batch still commits; a process killed
 * mid-batch loses that batch whole and nothing of it is half-written. Batches also keep the
 * WAL from growing with the whole file, as one transaction for everything would.
 */
export class BatchRunner {
  private pending: WorkItem[] = []
  private readonly inSavepoint: (item: WorkItem) => RowOutcome
  private readonly inBatch: Database.Transaction<(items: WorkItem[]) => (RowOutcome | Rejection)[]>

  constructor(
    sqlite: Database.Database,
    private readonly tally: Tally,
    private readonly size: number,
    private readonly committed: () => void = () => {},
    private readonly lockWaitMs = LOCK_WAIT_MS,
  ) {
    // better-sqlite3 runs a transaction function called inside another as a savepoint.
    this.inSavepoint = sqlite.transaction((item: WorkItem) => item.apply())
    this.inBatch = sqlite.transaction((items: WorkItem[]) => {
      const results = items.map((item) => {
        try {
          return this.inSavepoint(item)
        } catch (err) {
          const reason = rowReason(err)
          // Not about this row (disk full, a bug): give up the batch rather than blame the row.
          if (reason === undefined) throw err
          return { row: item.row, externalId: item.externalId, reason }
        }
      })
      // The rows ran as savepoints, so the engine left the documents they made stale to the batch.
      refillEventDocuments(sqlite, WRITE_REFILL_CAP)
      return results
    })
  }

  /** Queues a row; true when that filled and committed a batch. */
  add(item: WorkItem): boolean {
    this.pending.push(item)
    if (this.pending.length < this.size) return false
    this.flush()
    return true
  }

  flush(): void {
    const items = this.pending
    this.pending = []
    if (items.length === 0) return
    // IMMEDIATE: take the write lock at once, so a concurrent writer waits (busy_timeout) instead of failing.
    const results = this.withLock(() => this.inBatch.immediate(items), items[0]!.row)
    // Counted only now: a batch that failed to commit must not show up in the report.
    results.forEach((r, i) => {
      if (typeof r === 'string') this.tally.count(r)
      else this.tally.reject(r)
      items[i]!.settled?.(r)
    })
    this.committed()
  }

  private withLock<T>(run: () => T, firstRow: number): T {
    const started = Date.now()
    for (;;) {
      try {
        return run()
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
        if (Date.now() - started >= this.lockWaitMs) {
          throw new ImportFileError(`the database stayed locked by other writers for ${Math.round((Date.now() - started) / 1000)} s; `
            + `rows from line ${firstRow} on were not imported (those before were); run the import again to continue`)
        }
      }
    }
  }
}
