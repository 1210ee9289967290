import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * The database cannot be used at all: a folder, an unreadable, read-only or corrupt file. The
 * message is one line naming the path and the cause, for start-up to print instead of a trace.
 */
export class DatabaseOpenError extends Error {
  constructor(readonly path: string, readonly reason: string) { super(`cannot use the database at ${path}: ${reason}`) }
}

/** Turns what the file system or SQLite said into a cause a person can act on. */
export function databaseError(path: string, err: unknown): DatabaseOpenError {
  if (err instanceof DatabaseOpenError) return err
  const code = (err as { code?: string }).code ?? ''
  const message = (err as Error).message ?? String(err)
  return new DatabaseOpenError(path, reason(path, code, message))
}

function reason(path: string, code: string, message: string): string {
  if (code.startsWith('SQLITE_NOTADB')) return 'the file is not a SQLite database (corrupt, or another kind of file)'
  if (code.startsWith('SQLITE_CORRUPT')) return 'the database file is corrupt (SQLite: ' + message + ')'
  if (code.startsWith('SQLITE_READONLY')) return access(path) ?? 'the database is read-only; the server needs to write to it and to create files beside it'
  if (code.startsWith('SQLITE_FULL')) return 'the disk is full'
  if (code === 'EISDIR' || isDirectory(path)) return 'it is a directory, not a file'
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a part of the path is a file, not a directory'
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code.startsWith('SQLITE_CANTOPEN')) return access(path) ?? `SQLite cannot open it (${message})`
  return message.split('\n')[0]!
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory() } catch { return false }
}

/** Which permission is missing: the file's own, or its folder's (SQLite writes -wal and -shm files there). */
function access(path: string): string | undefined {
  const can = (p: string, mode: number) => { try { accessSync(p, mode); return true } catch { return false } }
  const folder = dirname(resolve(path))
  if (!can(folder, constants.X_OK)) return `permission denied on its folder ${folder}`
  let exists = true
  try { statSync(path) } catch { exists = false }
  if (exists && !can(path, constants.R_OK)) return 'permission denied: the file cannot be read'
  if (exists && !can(path, constants.W_OK)) return 'the file is read-only; the server needs to write to it'
  if (!can(folder, constants.W_OK)) return `its folder ${folder} is not writable (SQLite creates the file and its -wal and -shm files there)`
  return undefined
}
