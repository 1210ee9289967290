// Runs off the main thread: copying and compacting a large database takes seconds, and the
// server must keep answering meanwhile. Plain JavaScript so that a worker needs no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const { source, dest } = workerData
try {
  if (source) {
    const src = new Database(source, { readonly: true, fileMustExist: true })
    src.pragma('busy_timeout = 5000')
    // One read transaction: the copy is a single dataset version even while writes go on.
    src.prepare('VACUUM INTO ?').run(dest)
    src.close()
  }
  const db = new Database(dest, { fileMustExist: true })
  // API key hashes are not part of the dataset; secure_delete zeroes their pages before the
  // final VACUUM rewrites the file without them.
  db.pragma('secure_delete = ON')
  db.exec('DELETE FROM api_keys')
  db.pragma('journal_mode = DELETE')
  db.exec('VACUUM')
  db.close()
  parentPort.postMessage({ ok: true })
} catch (err) {
  parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) })
}
