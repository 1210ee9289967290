import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { synthesise } from '../../src/db/synth.ts'
import { tempDir } from '../helper.ts'

describe('concurrent exports are capped', () => {
  it('past EXPORT_MAX_CONCURRENT running exports, the next is a 503 with Retry-After; a freed slot is taken again', async () => {
    const app = await buildApp({ config: { databasePath: join(tempDir(), 'cap.db'), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, exportMaxConcurrent: 2 } })
    await app.ready()
    // Large enough that an unread export cannot finish into the socket buffers and free its slot.
    synthesise(app.storage.sqlite, { events: 5000 })
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      // Headers arrive, bodies are left unread: both exports stay open, held by backpressure.
      const held = [await fetch(`${base}/v1/export?format=ndjson`), await fetch(`${base}/v1/export?format=json`)]
      expect(held.map((r) => r.status)).toEqual([200, 200])

      for (const url of ['/v1/export?format=ndjson', '/v1/export?format=csv&resource=citations', '/v1/export/manifest']) {
        const refused = await fetch(`${base}${url}`)
        expect(refused.status, url).toBe(503)
        expect(refused.headers.get('retry-after'), url).toBe('10')
        expect(refused.headers.get('content-type')).toContain('application/problem+json')
        expect((await refused.json()).code).toBe('TOO_MANY_EXPORTS')
      }
      // Other reads are not affected by the cap.
      expect((await fetch(`${base}/v1/events?limit=1`)).status).toBe(200)

      // A client going away frees its slot.
      await held[0]!.body!.cancel()
      let again: Response | undefined
      for (let i = 0; i < 50; i++) {
        again = await fetch(`${base}/v1/export/manifest?resource=sources`)
        if (again.status === 200) break
        await again.arrayBuffer()
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(again!.status).toBe(200)
      expect((await again!.json()).data.sha256).toMatch(/^[0-9a-f]{64}$/)
      await held[1]!.body!.cancel()
    } finally {
      await app.close()
    }
  }, 60_000)

  it('an export whose client stops reading is cut off after the request timeout, and its slot freed', async () => {
    const app = await buildApp({ config: { databasePath: join(tempDir(), 'stall.db'), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, exportMaxConcurrent: 1, requestTimeoutMs: 1500 } })
    await app.ready()
    synthesise(app.storage.sqlite, { events: 5000 })
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      const stalled = await fetch(`${base}/v1/export?format=ndjson`)
      expect(stalled.status).toBe(200)
      expect((await fetch(`${base}/v1/export/manifest?resource=sources`)).status).toBe(503)
      let status = 0
      const started = Date.now()
      while (Date.now() - started < 10_000) {
        const res = await fetch(`${base}/v1/export/manifest?resource=sources`)
        status = res.status
        await res.arrayBuffer()
        if (status === 200) break
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
      // The stalled response was ended, not completed.
      await expect(stalled.text()).rejects.toThrow()
    } finally {
      await app.close()
    }
  }, 60_000)

  it('an export or a manifest slower to start than the connection timeout is still answered in full', async () => {
    // The socket's idle timeout at 200 ms: the first export request of a server starts the export
    // thread, which takes longer than that, so without lifting the timeout the connection was
    // closed before the first byte. (At 5 ms the request itself could miss the timeout on a loaded
    // machine before it reached the route.) Each request below goes to a fresh server, and the
    // test checks that it did wait past the timeout, so it cannot pass without exercising the lift.
    const timeout = 200
    const path = join(tempDir(), 'slow-start.db')
    const open = async () => {
      const app = await buildApp({ config: { databasePath: path, logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 }, fastify: { connectionTimeout: timeout } })
      await app.ready()
      await app.listen({ port: 0, host: '127.0.0.1' })
      return { app, base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` }
    }
    const timed = async (url: string) => {
      const started = Date.now()
      const res = await fetch(url)
      return { res, waited: Date.now() - started }
    }

    const first = await open()
    synthesise(first.app.storage.sqlite, { events: 2000 })
    let data: { bytes: number, sha256: string, counts: { events: number } }
    try {
      const manifest = await timed(`${first.base}/v1/export/manifest?format=ndjson`)
      expect(manifest.res.status).toBe(200)
      expect(manifest.waited).toBeGreaterThan(timeout)
      data = (await manifest.res.json()).data
      expect(data.counts.events).toBeGreaterThanOrEqual(2000)
      // Other requests keep the timeout: a connection that sends nothing is still closed.
      const closed = await new Promise<number>((resolve) => {
        const started = Date.now()
        const socket = connect((first.app.server.address() as { port: number }).port, '127.0.0.1')
        socket.on('close', () => resolve(Date.now() - started))
        socket.on('error', () => {})
      })
      expect(closed).toBeLessThan(5000)
    } finally {
      await first.app.close()
    }

    const second = await open()
    try {
      const exported = await timed(`${second.base}/v1/export?format=ndjson`)
      expect(exported.res.status).toBe(200)
      expect(exported.waited).toBeGreaterThan(timeout)
      const bytes = Buffer.from(await exported.res.arrayBuffer())
      expect(bytes.length).toBe(data.bytes)
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(data.sha256)
    } finally {
      await second.app.close()
    }
  }, 60_000)

  it('HEAD answers with the headers a GET sends, without running an export or taking a slot', async () => {
    const app = await buildApp({ config: { databasePath: join(tempDir(), 'head.db'), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, exportMaxConcurrent: 1 } })
    await app.ready()
    // Large enough that an export read through and dropped holds its slot for a while.
    synthesise(app.storage.sqlite, { events: 5000 })
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      const compared = ['content-type', 'content-disposition', 'x-dataset-version', 'etag', 'cache-control', 'vary']
      for (const url of ['/v1/export', '/v1/export?format=json&type=attack', '/v1/export?format=csv&resource=citations', '/v1/export/manifest?format=csv']) {
        const get = await fetch(`${base}${url}`)
        expect(get.status, url).toBe(200)
        await get.arrayBuffer()
        const head = await fetch(`${base}${url}`, { method: 'HEAD' })
        expect(head.status, url).toBe(200)
        for (const h of compared) expect(head.headers.get(h), `${url} ${h}`).toBe(get.headers.get(h))
        expect(await head.text()).toBe('')
      }
      // A query a GET would refuse is refused alike.
      expect((await fetch(`${base}/v1/export?format=xml`, { method: 'HEAD' })).status).toBe(400)

      // HEAD after HEAD, each followed at once by an export: the one slot is always free for it.
      for (let i = 0; i < 20; i++) {
        const head = await fetch(`${base}/v1/export?format=ndjson`, { method: 'HEAD' })
        expect(head.status).toBe(200)
        const [inFlight, manifest] = await Promise.all([
          fetch(`${base}/v1/export/manifest?format=json`, { method: 'HEAD' }),
          fetch(`${base}/v1/export/manifest?resource=sources`),
        ])
        // 503 if the export took the slot first: what a GET would have got then.
        expect([200, 503]).toContain(inFlight.status)
        expect(manifest.status, `round ${i}`).toBe(200)
        await manifest.arrayBuffer()
      }

      // While a GET holds the only slot, HEAD says what a GET would get: 503 with Retry-After.
      const held = await fetch(`${base}/v1/export?format=ndjson`)
      expect(held.status).toBe(200)
      const busy = await fetch(`${base}/v1/export?format=ndjson`, { method: 'HEAD' })
      expect(busy.status).toBe(503)
      expect(busy.headers.get('retry-after')).toBe('10')
      await held.body!.cancel()
    } finally {
      await app.close()
    }
  }, 60_000)
})
