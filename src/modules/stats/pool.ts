import type Database from 'better-sqlite3'
import { Piscina } from 'piscina'
import { ClientGoneError, StatsBusyError, StatsTimeoutError } from '../../errors.ts'
import { workerEntry } from './entry.ts'
import { runTask, type TaskArgs, type TaskName, type TaskResult } from './tasks.ts'
import type { Job, Reply } from './worker.ts'

export interface StatsPoolOptions { workers: number, queueMax: number, timeoutMs: number }

/** Runs the long reads (stats, facets, summaries) and resolves with their value. */
export interface StatsRunner {
  /**
   * `minVersion`: the dataset version the request already promised (its ETag); older snapshots are
   * refused. `gone` (clientGone): the task is dropped, queued or running, once the client leaves.
   */
  run<K extends TaskName>(task: K, args: TaskArgs<K>, minVersion?: number, gone?: AbortSignal): Promise<TaskResult<K>>
  /** Worker threads behind it; 0 when the tasks run on the event loop. */
  readonly threads: number
  close(): Promise<void>
}

/** A database only this connection can see (in memory, or a URI) cannot be opened by a worker. */
export const sharable = (path: string) => path !== '' && path !== ':memory:' && !path.startsWith('file:')

export function inlineRunner(sqlite: Database.Database): StatsRunner {
  return {
    threads: 0,
    run: async (task, args) => runTask(sqlite, task, args).value as never,
    close: async () => {},
  }
}

// One pool per process and set of options, shared by the live app and the release apps opened
// beside it, so that opening releases does not multiply the threads.
interface Shared { pool: Piscina, users: number, inFlight: number }
const pools = new Map<string, Shared>()

function acquire(o: StatsPoolOptions): Shared {
  const key = JSON.stringify(o)
  let entry = pools.get(key)
  if (!entry) {
    const pool = new Piscina({
      filename: workerEntry(),
      // Threads start on the first task (an app that never asks for stats starts none) and then
      // stay: a new thread costs some 40 ms of module loading (entry.ts).
      minThreads: 0, maxThreads: o.workers, idleTimeout: Number.POSITIVE_INFINITY,
      // A worker holds a page cache and the query's rows; this keeps a runaway task from growing without bound.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    })
    // A thread that dies (out of memory, a failed start) fails its task; the pool replaces it.
    // Without a listener the pool's 'error' event would end the process.
    pool.on('error', (err: Error) => { process.emitWarning(`stats worker failed: ${err.message}`) })
    pools.set(key, entry = { pool, users: 0, inFlight: 0 })
  }
  entry.users++
  return entry
}

async function release(o: StatsPoolOptions): Promise<void> {
  const key = JSON.stringify(o)
  const entry = pools.get(key)
  if (!entry || --entry.users > 0) return
  pools.delete(key)
  await entry.pool.destroy()
}

/**
 * Tasks go to a bounded pool of worker threads, each with its own read-only connection to the
 * same file (WAL lets readers run beside the writer), so a long read never holds the event loop.
 * A full queue is refused at once (STATS_BUSY, Retry-After); a task past its time (waiting
 * included) is aborted, which stops the worker running it, and answered STATS_TIMEOUT.
 */
export function poolRunner(path: string, o: StatsPoolOptions): StatsRunner {
  const shared = acquire(o)
  let closed = false
  return {
    threads: o.workers,
    async run(task, args, minVersion = 0, gone) {
      if (gone?.aborted) throw new ClientGoneError('the client closed the connection before the read started')
      // Counted here: piscina's own maxQueue let bursts through while its threads were busy.
      if (shared.inFlight >= o.workers + o.queueMax) throw new StatsBusyError('every stats worker is busy and the queue is full; retry shortly')
      const job: Job = { path, task, args, minVersion }
      let reply: Reply
      shared.inFlight++
      try {
        const timeout = AbortSignal.timeout(o.timeoutMs)
        reply = await shared.pool.run(job, { signal: gone ? AbortSignal.any([timeout, gone]) : timeout }) as Reply
      } catch (err) {
        const e = err as Error
        if (gone?.aborted) throw new ClientGoneError('the client closed the connection; the read was stopped')
        if (e.name === 'AbortError' || e.name === 'TimeoutError') throw new StatsTimeoutError(`the read took longer than ${o.timeoutMs} ms and was stopped; narrow the filters`)
        throw err
      } finally {
        shared.inFlight--
      }
      if (reply.ok) return reply.outcome.value as never
      throw Object.assign(new Error(reply.error.message), reply.error)
    },
    async close() {
      if (closed) return
      closed = true
      await release(o)
    },
  }
}
