import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { synthesise } from '../../src/db/synth.ts'
import { tempDir } from '../helper.ts'

describe('graceful shutdown', () => {
  it('finishes a request in flight when the server closes, and refuses new ones', async () => {
    const app = await buildApp({ config: { databasePath: join(tempDir(), 'close.db'), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
    await app.ready()
    synthesise(app.storage.sqlite, { events: 10000 })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const res = await fetch(`${base}/v1/export?format=ndjson`)
    const reading = res.text()
    const closing = app.close()
    const body = await reading
    await closing
    const lines = body.trimEnd().split('\n')
    const meta = JSON.parse(lines[0]!) as { counts: Record<string, number> }
    expect(lines.length - 1).toBe(Object.values(meta.counts).reduce((a, b) => a + b, 0))
    await expect(fetch(`${base}/health`)).rejects.toThrow()
  }, 60_000)
})
