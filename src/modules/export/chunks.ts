/** Characters (or bytes) gathered before a chunk is handed on: fewer, larger writes. */
export const CHUNK_BYTES = 64 * 1024

/** Where an export's text gathers until a chunk is full. */
export interface ChunkSink<T> {
  add(text: string): void
  readonly full: boolean
  readonly empty: boolean
  take(): T
}

/**
 * Gathers an export's text into chunks of about CHUNK_BYTES. They stay strings up to the socket,
 * which encodes each into memory it frees as soon as the write completes; Buffers made here would
 * wait for a garbage collection, and two fast exports make them faster than V8 collects them.
 */
export class Chunks implements ChunkSink<string> {
  private text = ''

  add(text: string): void { this.text += text }

  get full(): boolean { return this.text.length >= CHUNK_BYTES }
  get empty(): boolean { return this.text.length === 0 }

  take(): string {
    const chunk = this.text
    this.text = ''
    return chunk
  }
}
