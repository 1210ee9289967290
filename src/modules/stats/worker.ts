import Database from 'better-sqlite3'
import { runTask, type Outcome, type TaskName } from './tasks.ts'

/** One task as posted to a worker: the database file, the task and its arguments. */
export interface Job { path: string, task: TaskName, args: unknown, minVersion: number }

/** A catalogue error crosses the thread as its code, status and message (classes do not). */
export type Reply = { ok: true, outcome: Outcome } | { ok: false, error: { message: string, code?: string, statusCode?: number } }

// A few files at once: the live database and the releases opened beside it. Each connection keeps
// a bounded page cache and no memory map, so a worker's memory does not grow with the file.
const MAX_OPEN = 4
const CACHE_KIB = 8 * 1024
const open = new Map<string, Database.Database>()

function connection(path: string): Database.Database {
  const known = open.get(path)
  if (known) { open.delete(path); open.set(path, known); return known }
  const db = new Database(path, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.pragma(`cache_size = -${CACHE_KIB}`)
  db.pragma('mmap_size = 0')
  open.set(path, db)
  while (open.size > MAX_OPEN) {
    const [oldest, conn] = open.entries().next().value!
    open.delete(oldest)
    conn.close()
  }
  return db
}

function forget(path: string) {
  open.get(path)?.close()
  open.delete(path)
}

/**
 * Runs a job on this thread's read-only connection. A snapshot older than the version the request
 * already sent in its ETag would be served under that tag: the connection is reopened once (the
 * file may have been replaced) and the job fails rather than answer stale.
 */
export function handle(job: Job): Reply {
  try {
    let outcome = runTask(connection(job.path), job.task, job.args)
    if (outcome.version < job.minVersion) {
      forget(job.path)
      outcome = runTask(connection(job.path), job.task, job.args)
      if (outcome.version < job.minVersion) throw new Error(`stats snapshot at version ${outcome.version}, older than ${job.minVersion}`)
    }
    return { ok: true, outcome }
  } catch (err) {
    const e = err as { message?: string, code?: unknown, statusCode?: unknown }
    // A damaged or replaced file: the next job opens it afresh.
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) forget(job.path)
    return { ok: false, error: {
      message: String(e.message ?? err),
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
    } }
  }
}
