import { Readable } from 'node:stream'
import type { MessagePort } from 'node:worker_threads'
import type { ToWorker } from './worker.ts'

/**
 * The body of an export a worker builds. A chunk is handed to the reader only when it asks for
 * one, and only then acknowledged to the worker, which stops once its window of unacknowledged
 * bytes is full: what waits here is bounded by the window, whatever the client does. A reader
 * that goes away before the end tells the worker to stop.
 *
 * A chunk leaves as a string, and its buffer goes back to the worker at once. Kept here, each
 * buffer would count as external memory until a garbage collection found it, and a few dozen
 * megabytes of those start full collections of the server's heap, several a second; a string
 * is freed by the socket when written and by the next young-generation sweep.
 */
export class WorkerBody extends Readable {
  private readonly queue: Uint8Array[] = []
  private wanted = false
  private ended = false

  constructor(private readonly port: MessagePort, private readonly onPull: () => void) {
    super({ objectMode: true, highWaterMark: 1 })
  }

  override _read(): void {
    this.onPull()
    const next = this.queue.shift()
    if (next) this.deliver(next)
    else if (this.ended) this.push(null)
    else this.wanted = true
  }

  /** A chunk from the worker. */
  chunk(bytes: Uint8Array): void {
    if (this.destroyed) return
    if (!this.wanted) { this.queue.push(bytes); return }
    this.wanted = false
    this.deliver(bytes)
  }

  /** The worker sent its last chunk. */
  finish(): void {
    this.ended = true
    if (this.wanted && this.queue.length === 0) { this.wanted = false; this.push(null) }
  }

  get complete(): boolean { return this.ended }

  /** Bytes received from the worker that the reader has not asked for yet. */
  get waitingBytes(): number { return this.queue.reduce((n, b) => n + b.byteLength, 0) }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.queue.length = 0
    if (!this.ended) this.post({ type: 'stop' })
    callback(err)
  }

  private deliver(bytes: Uint8Array): void {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
    const buffer = bytes.buffer as ArrayBuffer
    this.port.postMessage({ type: 'ack', bytes: bytes.byteLength, buffer } satisfies ToWorker, [buffer])
    this.push(text)
  }

  private post(m: ToWorker): void { this.port.postMessage(m) }
}
