// The thread that makes one release's files: the frozen SQLite file, then the exports read from
// it. Both take minutes at a million events, during which the event loop goes on answering.
import { parentPort, workerData } from 'node:worker_threads'
import { lowerPriority } from '../../workers/priority.ts'
import { freezeDatabase, writeReleaseExports, type ReleaseWorkerData, type ReleaseWorkerReply } from './exports.ts'

const { source, frozenPath, dir, priority } = workerData as ReleaseWorkerData
if (priority) lowerPriority(priority.nice, priority.idle)
const reply = (m: ReleaseWorkerReply) => parentPort!.postMessage(m)
try {
  freezeDatabase(source, frozenPath)
  reply({ ok: true, exports: await writeReleaseExports(frozenPath, dir) })
} catch (err) {
  reply({ ok: false, message: err instanceof Error ? err.message : String(err) })
}
