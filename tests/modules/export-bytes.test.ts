import { describe, expect, it } from 'vitest'
import { ByteChunks } from '../../src/modules/export/bytes.ts'
import { CHUNK_BYTES } from '../../src/modules/export/chunks.ts'

const decode = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')

describe('byte chunks', () => {
  it('encode text as UTF-8 in whole characters, growing past a buffer and reusing returned ones', () => {
    const out = new ByteChunks()
    // Longer than a fresh buffer, with characters of one to four bytes at every offset.
    const big = 'aé中😀'.repeat(40_000) + 'end'
    out.add('{"a":1}\n')
    out.add(big)
    expect(out.full).toBe(true)
    const first = out.take()
    expect(decode(first)).toBe(`{"a":1}\n${big}`)
    expect(Buffer.from(first).equals(Buffer.from(`{"a":1}\n${big}`, 'utf8'))).toBe(true)
    expect(out.empty).toBe(true)

    // A buffer that went to the reader and came back is written over for a later chunk.
    out.recycle(first.buffer as ArrayBuffer)
    out.add('x'.repeat(10))
    const reused = out.take()
    expect(decode(reused)).toBe('x'.repeat(10))
    const small = 'line\u2028 with U+2028 and \u0000\n'
    while (!out.full) out.add(small)
    const chunk = out.take()
    expect(chunk.byteLength).toBeGreaterThanOrEqual(CHUNK_BYTES)
    expect(decode(chunk)).toBe(small.repeat(decode(chunk).length / small.length))
    expect(chunk.buffer).toBe(first.buffer)
  })
})
