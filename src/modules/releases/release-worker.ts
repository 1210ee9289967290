// The thread that makes one release's files: the frozen SQLite file, then the exports read from
// it. Both take minutes at a million events, during which the event loop goes on answering.
import { relative } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { lowerPriority } from '../../workers/priority.ts'
import { fileDigest, freezeDatabase, writeReleaseExports, type ReleaseWorkerData, type ReleaseWorkerReply } from './exports.ts'

const { source, frozenPath, dir, priority } = workerData as ReleaseWorkerData
if (priority) lowerPriority(priority.nice, priority.idle)
const reply = (m: ReleaseWorkerReply) => parentPort!.postMessage(m)
try {
  freezeDatabase(source, frozenPath)
  const exports = await writeReleaseExports(frozenPath, dir)
  // The file is hashed here too: gigabytes at a million events.
  const frozen = { name: relative(dir, frozenPath).split('\\').join('/'), ...await fileDigest(frozenPath) }
  reply({ ok: true, exports: { ...exports, files: [frozen, ...exports.files] } })
} catch (err) {
  reply({ ok: false, message: err instanceof Error ? err.message : String(err) })
}
