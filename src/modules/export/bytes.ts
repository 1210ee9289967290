import { CHUNK_BYTES, type ChunkSink } from './chunks.ts'

/** Room of a new buffer: a full chunk and the page of records that crosses the mark. */
const INITIAL_BYTES = 256 * 1024
/** Returned buffers kept for reuse; the credit window keeps fewer than this in flight. */
const SPARE_MAX = 8

/**
 * Encodes an export's text as UTF-8 straight into reusable buffers, a page at a time, so the
 * text is neither joined nor flattened first. A chunk's buffer is moved to the main thread and
 * comes back to `recycle` once its bytes are read there: a running export touches a handful of
 * buffers instead of allocating one per chunk. Each chunk holds whole characters.
 */
export class ByteChunks implements ChunkSink<Uint8Array> {
  private readonly encoder = new TextEncoder()
  private readonly spare: ArrayBuffer[] = []
  private buf = new Uint8Array(INITIAL_BYTES)
  private pos = 0

  add(text: string): void {
    let rest = text
    for (;;) {
      const { read, written } = this.encoder.encodeInto(rest, this.buf.subarray(this.pos))
      this.pos += written
      if (read === rest.length) return
      rest = rest.slice(read)
      this.grow(rest.length * 3)
    }
  }

  get full(): boolean { return this.pos >= CHUNK_BYTES }
  get empty(): boolean { return this.pos === 0 }

  take(): Uint8Array {
    const chunk = this.buf.subarray(0, this.pos)
    const reused = this.spare.pop()
    this.buf = reused ? new Uint8Array(reused) : new Uint8Array(Math.max(INITIAL_BYTES, this.buf.length))
    this.pos = 0
    return chunk
  }

  /** A buffer handed out by `take`, back from the reader. */
  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < SPARE_MAX) this.spare.push(buffer)
  }

  private grow(atLeast: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + atLeast))
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }
}
