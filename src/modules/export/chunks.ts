/** Bytes gathered before a chunk is handed to the socket: fewer, larger writes. */
export const CHUNK_BYTES = 64 * 1024

/**
 * Gathers an export's output into chunks of about CHUNK_BYTES. Pages SQLite wrote arrive as
 * UTF-8 bytes and go out as they are; text made in JS is encoded once, when it joins them.
 */
export class Chunks {
  private parts: Buffer[] = []
  private text = ''
  private size = 0

  add(text: string): void {
    this.text += text
    this.size += text.length
  }

  addBytes(bytes: Buffer): void {
    this.encodeText()
    this.parts.push(bytes)
    this.size += bytes.length
  }

  get full(): boolean { return this.size >= CHUNK_BYTES }
  get empty(): boolean { return this.size === 0 }

  take(): Buffer {
    this.encodeText()
    const chunk = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)
    this.parts = []
    this.size = 0
    return chunk
  }

  private encodeText(): void {
    if (!this.text) return
    this.parts.push(Buffer.from(this.text, 'utf8'))
    this.text = ''
  }
}
