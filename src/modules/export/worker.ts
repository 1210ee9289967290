import type { MessagePort } from 'node:worker_threads'
import { lowerPriority } from '../../workers/priority.ts'
import { ByteChunks } from './bytes.ts'
import type { ExportFilters, ExportResource } from './plan.ts'
import { exportChunks, exportDigest, openFileSnapshot, readExportMeta, type ExportFormat, type ExportMeta, type Snapshot } from './stream.ts'

/** One export as posted to a worker: what to read, and how far it may run ahead of the reader. */
export interface ExportJob {
  path: string
  format: ExportFormat
  filters: ExportFilters
  resources: ExportResource[]
  /** `digest` sends the size and sha256 of the export instead of its bytes. */
  mode: 'stream' | 'digest'
  /** Bytes sent and not yet taken by the reader past which the worker waits. */
  windowBytes: number
  /** Nice value of the thread (Linux); 0 leaves it. */
  nice: number
  /** Puts the thread in SCHED_IDLE (Linux, with chrt installed); the nice value stays as the fallback. */
  idle: boolean
}

export interface ExportTask { job: ExportJob, port: MessagePort }

export interface WorkerError { message: string, code?: string, statusCode?: number }

/**
 * Worker to main thread. Chunks are UTF-8 bytes whose memory is moved across, not copied (from
 * the start of their buffer); `end`, `digest` and `error` come after the snapshot is released.
 */
export type ToMain =
  | { type: 'meta', meta: ExportMeta }
  | { type: 'chunk', bytes: Uint8Array }
  | { type: 'digest', sha256: string, bytes: number }
  | { type: 'end' }
  | { type: 'error', error: WorkerError }

/** Main thread to worker: the reader took a chunk, whose buffer comes back for reuse; or it is gone. */
export type ToWorker = { type: 'ack', bytes: number, buffer: ArrayBuffer } | { type: 'stop' }

function describe(err: unknown): WorkerError {
  const e = err as { message?: string, code?: unknown, statusCode?: unknown }
  return {
    message: String(e?.message ?? err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
  }
}

/**
 * Runs one export on this thread's own snapshot: the meta first, then the chunks, each sent as
 * soon as it is built while less than `windowBytes` wait on the main thread, so a reader that
 * stops reading stops the worker too. A stop message ends the export at the next chunk; the
 * snapshot is released before the task returns.
 */
export default async function runExport({ job, port }: ExportTask): Promise<void> {
  lowerPriority(job.nice, job.idle)
  let stopped = false
  let inFlight = 0
  let wake: (() => void) | undefined
  const out = new ByteChunks()
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') stopped = true
    else { inFlight -= m.bytes; out.recycle(m.buffer) }
    wake?.()
  })
  const send = (m: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)
  let snapshot: Snapshot | undefined
  // The last message goes after the snapshot is let go: the main thread frees the export's slot on it.
  const last = (m: ToMain) => { snapshot?.release(); send(m) }
  try {
    snapshot = openFileSnapshot(job.path)
    const meta = await readExportMeta(snapshot, job.format, job.filters, job.resources)
    if (stopped) return
    send({ type: 'meta', meta })
    if (job.mode === 'digest') {
      const digest = await exportDigest(snapshot, meta)
      last({ type: 'digest', ...digest })
      return
    }
    for await (const bytes of exportChunks(snapshot, meta, undefined, out)) {
      while (inFlight >= job.windowBytes && !stopped) await new Promise<void>((resolve) => { wake = resolve })
      if (stopped) return
      inFlight += bytes.byteLength
      send({ type: 'chunk', bytes }, [bytes.buffer as ArrayBuffer])
    }
    last({ type: 'end' })
  } catch (err) {
    last({ type: 'error', error: describe(err) })
  } finally {
    snapshot?.release()
    // Closing completes on a later turn; the task waits for it, as the pool may park the thread
    // in Atomics.wait once it returns.
    await new Promise((resolve) => { port.once('close', resolve); port.close() })
  }
}
