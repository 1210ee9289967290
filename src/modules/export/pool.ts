import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { WorkerBody } from './body.ts'
import { exportWorkerEntry } from './entry.ts'
import type { ExportDigest, ExportRequest, ExportRunner } from './runner.ts'
import { holdSnapshot, type ExportMeta } from './stream.ts'
import type { ExportJob, ExportTask, ToMain, WorkerError } from './worker.ts'

/**
 * Bytes a worker may send ahead of its reader: about four chunks, so the next is ready when the
 * socket drains while a client that stops reading holds little memory.
 */
export const WINDOW_BYTES = 256 * 1024

/** Threads left idle this long are stopped; a new one takes some 40 ms to start. */
const IDLE_MS = 60_000

export interface ExportPoolOptions { threads: number, nice: number, idle?: boolean }

const rebuild = (e: WorkerError) => Object.assign(new Error(e.message), e)

interface Started { port: MessagePort, failed: Promise<Error> }

/**
 * Exports read and formatted on worker threads, each on a read-only snapshot of its own; the
 * event loop only moves finished bytes to the socket. Exports are long and few (the route caps
 * them at EXPORT_MAX_CONCURRENT), so the pool holds one thread per export slot: no export waits
 * for a thread, and a thread is started on the first export and kept for the next.
 */
export function poolExports(path: string, o: ExportPoolOptions): ExportRunner {
  const pool = new Piscina<ExportTask, void>({
    filename: exportWorkerEntry(),
    minThreads: 0, maxThreads: o.threads, idleTimeout: IDLE_MS,
    // An export holds a page of rows and a chunk or two, so little survives a young collection:
    // 8 MB of young generation instead of 16 took 10-15 MB less memory for two threads, for more
    // collections, each short. The old generation's bound stops a runaway export.
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  })
  // A thread that dies fails its export; without a listener the pool's 'error' would end the process.
  pool.on('error', (err: Error) => { process.emitWarning(`export worker failed: ${err.message}`) })

  /**
   * Posts a job with a channel of its own. The worker's last message (end, digest or error) comes
   * once its snapshot is released; a thread that dies closes the channel, which counts the same.
   */
  function start(request: ExportRequest, mode: ExportJob['mode'], onReleased: () => void): Started {
    const { port1, port2 } = new MessageChannel()
    const done = holdSnapshot()
    let held = true
    const released = () => { if (held) { held = false; done(); onReleased() } }
    port1.on('message', (m: ToMain) => { if (m.type === 'end' || m.type === 'digest' || m.type === 'error') released() })
    port1.once('close', released)
    const job: ExportJob = { path, ...request, mode, windowBytes: WINDOW_BYTES, nice: o.nice, idle: o.idle ?? false }
    const failed = pool.run({ job, port: port2 }, { transferList: [port2] }).then(
      () => new Promise<Error>(() => {}),
      (err: Error) => { port1.close(); return err },
    )
    return { port: port1, failed }
  }

  return {
    threads: o.threads,
    open(request, hooks) {
      const { port, failed } = start(request, 'stream', hooks.onReleased)
      return new Promise((resolve, reject) => {
        let body: WorkerBody | undefined
        const fail = (err: Error) => { if (!body) reject(err); else if (!body.complete) body.destroy(err) }
        port.on('message', (m: ToMain) => {
          if (m.type === 'meta') {
            body = new WorkerBody(port, hooks.onPull)
            resolve({ meta: m.meta, body })
          } else if (m.type === 'chunk') body?.chunk(m.bytes)
          else if (m.type === 'end') body?.finish()
          else if (m.type === 'error') fail(rebuild(m.error))
        })
        port.once('close', () => fail(new Error('the export worker stopped before the end of the export')))
        void failed.then(fail)
      })
    },
    digest(request) {
      let released!: () => void
      const settled = new Promise<void>((resolve) => { released = resolve })
      const { port, failed } = start(request, 'digest', () => released())
      const answer = new Promise<ExportDigest>((resolve, reject) => {
        let meta: ExportMeta | undefined
        port.on('message', (m: ToMain) => {
          if (m.type === 'meta') meta = m.meta
          else if (m.type === 'digest') resolve({ meta: meta!, sha256: m.sha256, bytes: m.bytes })
          else if (m.type === 'error') reject(rebuild(m.error))
        })
        port.once('close', () => reject(new Error('the export worker stopped before its digest')))
        void failed.then(reject)
      })
      // The caller frees the export's slot when this settles: only once the worker let go.
      return answer.finally(() => settled)
    },
    close: () => pool.destroy(),
  }
}
