import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { createKey } from '../../src/modules/keys/queries.ts'

const TIMEOUT = 1500

interface Outcome { status: string, answeredAt: number, closedAt: number }

/**
 * Opens a raw connection, writes `head`, then one more `drip` every 200 ms until the server
 * closes the connection. The client keeps its own side open after the server's FIN
 * (`allowHalfOpen`) and goes on sending, as a client holding connections on purpose would.
 */
function trickle(port: number, head: string, drip: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    let received = ''
    let answeredAt = -1
    socket.on('data', (chunk) => {
      if (answeredAt < 0) answeredAt = Date.now() - started
      received += chunk
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(drips)
      resolve({ status: received.split('\r\n')[0] ?? '', answeredAt, closedAt: Date.now() - started })
    })
    socket.write(head)
    const drips = setInterval(() => { if (!socket.destroyed) socket.write(drip) }, 200)
  })
}

describe('requests that arrive slowly', () => {
  it('a body or headers still arriving at REQUEST_TIMEOUT_MS get a 408 near it, and the connection is closed', async () => {
    const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, requestTimeoutMs: TIMEOUT } })
    await app.ready()
    try {
      await app.listen({ port: 0, host: '127.0.0.1' })
      const port = (app.server.address() as { port: number }).port
      // A valid key: without one, the write is refused before its body is read.
      const { key } = createKey(app.storage.sqlite, 'slow', 'editor')
      const [body, headers] = await Promise.all([
        // Headers whole, then one byte of a 100000-byte body every 200 ms.
        trickle(port, `POST /v1/sources HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`, ' '),
        // A header line every 200 ms, never the blank line that ends them.
        trickle(port, 'GET /v1/events HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n'),
      ])
      for (const [name, outcome] of Object.entries({ body, headers })) {
        expect(outcome.status, name).toBe('HTTP/1.1 408 Request Timeout')
        // Node checked deadlines every 30 s: the body's 408 came a minute or more past the timeout.
        expect(outcome.answeredAt, name).toBeGreaterThanOrEqual(TIMEOUT - 50)
        expect(outcome.answeredAt, name).toBeLessThan(TIMEOUT + 1500)
        // The client never closes its side and keeps sending: the server closes the connection.
        expect(outcome.closedAt, name).toBeLessThan(TIMEOUT + 3500)
      }
      // A request that arrives in time is answered as usual.
      const res = await fetch(`http://127.0.0.1:${port}/v1/events?limit=1`)
      expect(res.status).toBe(200)
    } finally {
      await app.close()
    }
  }, 30_000)
})
