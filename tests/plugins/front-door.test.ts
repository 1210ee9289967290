import { afterEach, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import type { Config } from '../../src/config/config.ts'
import { createKey } from '../../src/modules/keys/queries.ts'

let app: App | undefined
afterEach(async () => { await app?.close(); app = undefined })

/** The app on a real port, counting the requests that reach Fastify's hooks. */
async function listening(config: Partial<Config> = {}) {
  app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0, ...config } })
  const seen = { requests: 0 }
  app.addHook('onResponse', async () => { seen.requests++ })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { base: `http://127.0.0.1:${port}`, seen, app }
}

const EVENT = '/v1/events/ceasefire-2023-09-20'
const PER_ANSWER = ['date', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-cache', 'keep-alive', 'connection']
function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((v, k) => { if (!PER_ANSWER.includes(k)) out[k] = v })
  return out
}

describe('the front door answers cache hits before Fastify', () => {
  it('a repeated read is answered without Fastify, with the same body and headers', async () => {
    const { base, seen } = await listening()
    const first = await fetch(base + EVENT)
    const firstBody = await first.text()
    expect(first.headers.get('x-cache')).toBeNull()
    expect(seen.requests).toBe(1)
    const again = await fetch(base + EVENT)
    expect(again.status).toBe(200)
    expect(await again.text()).toBe(firstBody)
    expect(again.headers.get('x-cache')).toBe('hit')
    expect(seen.requests).toBe(1)
    expect(headersOf(again)).toEqual(headersOf(first))
    expect(again.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
  })

  it('CSV asked for by Accept is a different entry from JSON at the same URL', async () => {
    const { base } = await listening()
    const url = base + '/v1/events?limit=2'
    await fetch(url)
    await fetch(url, { headers: { accept: 'text/csv' } })
    const csv = await fetch(url, { headers: { accept: 'text/csv' } })
    expect(csv.headers.get('x-cache')).toBe('hit')
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const json = await fetch(url)
    expect(json.headers.get('content-type')).toContain('application/json')
    expect(json.headers.get('etag')).not.toBe(csv.headers.get('etag'))
  })

  it('conditional, cross-origin and HEAD requests go through Fastify', async () => {
    const { base, seen } = await listening({ corsOrigins: ['https://desk.example'] })
    const first = await fetch(base + EVENT)
    const etag = first.headers.get('etag')!
    const before = seen.requests
    const conditional = await fetch(base + EVENT, { headers: { 'if-none-match': etag } })
    expect(conditional.status).toBe(304)
    const cross = await fetch(base + EVENT, { headers: { origin: 'https://desk.example' } })
    expect(cross.headers.get('access-control-allow-origin')).toBe('https://desk.example')
    const head = await fetch(base + EVENT, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(seen.requests).toBe(before + 3)
    // The cross-origin answer did not leave its origin's headers for requests without one.
    const plain = await fetch(base + EVENT)
    expect(plain.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('a write moves the version: the next read is answered afresh', async () => {
    const { base, seen, app } = await listening()
    const { key } = createKey(app.storage.sqlite, 'desk', 'editor')
    const first = await fetch(base + EVENT)
    const write = await fetch(base + '/v1/actors', {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Front Door Test Group', kind: 'armed_group' }),
    })
    expect(write.status).toBe(201)
    const before = seen.requests
    const after = await fetch(base + EVENT)
    expect(after.headers.get('x-cache')).toBeNull()
    expect(after.headers.get('etag')).not.toBe(first.headers.get('etag'))
    expect(seen.requests).toBe(before + 1)
  })

  it('hits count against the rate limit, and past it the answer is a 429', async () => {
    const { base, seen } = await listening({ rateLimitMax: 3, rateLimitWindowMs: 60_000 })
    const statuses: number[] = [], remaining: (string | null)[] = []
    for (let i = 0; i < 5; i++) {
      const res = await fetch(base + EVENT)
      statuses.push(res.status)
      remaining.push(res.headers.get('x-ratelimit-remaining'))
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    expect(remaining.slice(0, 3)).toEqual(['2', '1', '0'])
    // Only the first read and the two refusals reached Fastify.
    expect(seen.requests).toBe(3)
  })
})
