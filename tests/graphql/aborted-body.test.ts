import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'

it('a client that goes away halfway through its GraphQL body is no server failure: nothing is logged as an error', async () => {
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'error', rateLimitMax: 0, maxEventLoopDelayMs: 0 }, fastify: { logger: { level: 'warn', stream } } })
  try {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    for (const url of ['/graphql', '/v1/sources']) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`POST ${url} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query"`)
          setTimeout(() => { socket.destroy(); resolve() }, 100)
        })
        socket.on('error', () => {})
      })
    }
    await new Promise((r) => setTimeout(r, 300))
    // Still serving, and no error-level line (50) about the cut-off bodies.
    expect((await app.inject('/health')).statusCode).toBe(200)
    const errors = lines.map((l) => JSON.parse(l) as { level: number, msg: string }).filter((l) => l.level >= 50)
    expect(errors).toEqual([])
  } finally {
    await app.close()
  }
})
