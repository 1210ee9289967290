import { Readable } from 'node:stream'
import type { MessagePort } from 'node:worker_threads'
import type { ToWorker } from './worker.ts'

/**
 * The body of an export a worker builds. A chunk is handed to the reader only when it asks for
 * one, and only then acknowledged to the worker, which stops once its window of unacknowledged
 * bytes is full: what waits here is bounded by the window, whatever the client does. A reader
 * that goes away before the end tells the worker to stop.
 */
export class WorkerBody extends Readable {
  private readonly queue: Buffer[] = []
  private wanted = false
  private ended = false

  constructor(private readonly port: MessagePort, private readonly onPull: () => void) {
    super()
  }

  override _read(): void {
    this.onPull()
    const next = this.queue.shift()
    if (next) this.deliver(next)
    else if (this.ended) this.push(null)
    else this.wanted = true
  }

  /** A chunk from the worker. */
  chunk(bytes: Buffer): void {
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
  get waitingBytes(): number { return this.queue.reduce((n, b) => n + b.length, 0) }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.queue.length = 0
    if (!this.ended) this.post({ type: 'stop' })
    callback(err)
  }

  private deliver(bytes: Buffer): void {
    this.post({ type: 'ack', bytes: bytes.length })
    this.push(bytes)
  }

  private post(m: ToWorker): void { this.port.postMessage(m) }
}
