import { describe, expect, it } from 'vitest'
import { buildTestApp, gql, sharedApp } from '../helper.ts'
import { createKey } from '../../src/modules/keys/queries.ts'

const app = sharedApp()

describe('GraphQL limits', () => {
  it.each([
    ['too deep', '{ events { nodes { actors { actor { events { actors { actor { events { actors { actor { name } } } } } } } } } } }', /depth/i],
    ['too many aliases', `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: event(id: "x") { id }`).join(' ')} }`, /alias/i],
    ['too many aliases of __typename', `{ ${Array.from({ length: 20 }, (_, i) => `t${i}: __typename`).join(' ')} }`, /alias/i],
    ['too costly', '{ events(first: 200) { nodes { actors { actor { events(first: 200) { nodes { title } } } } } } }', /cost|records/i],
    // Within the token limit, and 344 ms of the event loop to validate before it was refused.
    ['one field repeated 440 times', `{ ${'dataset { version } '.repeat(440)} }`, /same fields too many times/],
    ['one field repeated through 220 inline fragments', `{ ${'... on Query { dataset { version } } '.repeat(220)} }`, /same fields too many times/],
    ['fields repeated five times at each of three levels', `{ ${`events(first: 1) { nodes { ${`actors { actor { ${'events(first: 1) { nodes { id } } '.repeat(5)} } } `.repeat(5)} } } `.repeat(5)} }`, /same fields too many times/],
  ])('%s is rejected before it runs, with GRAPHQL_LIMIT_EXCEEDED', async (_name, query, message) => {
    const before = app().storage.statements.count
    const { status, body } = await gql(app(), query)
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    expect(body.errors?.[0]?.message).toMatch(message)
    // Rejected during validation: the only statement is the cache's version lookup.
    expect(app().storage.statements.count - before).toBeLessThanOrEqual(1)
  })

  it('the record budget counts page sizes given as variables', async () => {
    const query = 'query ($n: Int) { events(first: $n) { nodes { actors { actor { events(first: $n) { nodes { id } } } } } } }'
    const small = await gql(app(), query, { n: 5 })
    expect(small.body.errors).toBeUndefined()
    const big = await gql(app(), query, { n: 200 })
    expect(big.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
  })

  it('eventStats costs the same with its default page size written out or left out, in a fragment too', async () => {
    const rows = 'rows { key { period periodPlaced type place { id name } country { code name } actor { id name } } events figures { measure events eventsWithoutFigure low lowEvents lowIfDisjoint high openEndedEvents best bestEvents } } pageInfo { hasNextPage endCursor } source'
    for (const query of [`{ eventStats { ${rows} } }`, `{ eventStats(first: 1000) { ${rows} } }`, `{ ...S } fragment S on Query { eventStats(first: 1000, groupBy: [TYPE]) { ${rows} } }`]) {
      const { status, body } = await gql(app(), query)
      expect(body.errors, query).toBeUndefined()
      expect(status, query).toBe(200)
      expect(body.data.eventStats.rows.length).toBeGreaterThan(0)
    }
    // A page of records still costs its size times what each record selects.
    const nested = await gql(app(), '{ events(first: 200) { nodes { actors { actor { events(first: 200) { nodes { title } } } } } } }')
    expect(nested.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
  })

  it('the record budget counts the ids of nodes(ids:) and multiplies what sits under a plain list by the most it holds', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `Actor:a${i}`)
    const perActor = '... on Actor { events(first: 200) { nodes { id } } }'
    const overIds = await gql(app(), `query ($ids: [ID!]!) { nodes(ids: $ids) { ${perActor} } }`, { ids })
    expect(overIds.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    expect(overIds.body.errors?.[0]?.message).toMatch(/40200 records/)
    const literal = await gql(app(), `{ nodes(ids: [${ids.map((id) => JSON.stringify(id)).join(', ')}]) { ${perActor} } }`)
    expect(literal.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    // A few ids with the same selection are fine.
    const few = await gql(app(), `query ($ids: [ID!]!) { nodes(ids: $ids) { ${perActor} } }`, { ids: ['Actor:armenia', 'Actor:azerbaijan'] })
    expect(few.body.errors).toBeUndefined()
    // Each actor of each event runs the connection under it: 200 events x up to 100 actors x 50.
    const underList = await gql(app(), '{ events(first: 200) { nodes { actors { actor { events { nodes { id } } } } } } }')
    expect(underList.body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    // A full page with its actors and figures, nothing nested under the actors: within the budget.
    const page = await gql(app(), '{ events(first: 200) { nodes { id actors { role actor { name } } casualtyReports { nodes { best } } citations { quote } } } }')
    expect(page.body.errors).toBeUndefined()
    expect(page.body.data.events.nodes.length).toBeGreaterThan(0)
  })

  it('fields selected again by several fragments, as generated clients write them, are answered', async () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']
    const query = `{ events(first: 20) { nodes { ${names.map((n) => `...${n}`).join(' ')} } } } ${names.map((n) => `fragment ${n} on Event { id title actors { role actor { id name } } place { id name } }`).join(' ')}`
    const { status, body } = await gql(app(), query)
    expect(body.errors).toBeUndefined()
    expect(status).toBe(200)
    expect(body.data.events.nodes.length).toBeGreaterThan(0)
  })

  it('batched queries are refused', async () => {
    const res = await app().inject({ method: 'POST', url: '/graphql', payload: [{ query: '{ dataset { version } }' }, { query: '{ dataset { version } }' }] })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
  })
})

describe('HTTP protections', () => {
  it('sends pages security headers with a CSP that allows nothing from other hosts', async () => {
    const events = (await app().inject({ method: 'GET', url: '/v1/events?limit=1' })).json().data
    for (const url of ['/', '/docs/', '/graphiql', `/events/${events[0].id}`, '/events/no-such-event']) {
      const res = await app().inject({ method: 'GET', url })
      expect(res.statusCode, url).toBeLessThan(url.includes('no-such') ? 500 : 400)
      expect(String(res.headers['content-type']), url).toMatch(/^text\/html/)
      const csp = String(res.headers['content-security-policy'])
      expect(csp, url).toContain("default-src 'self'")
      expect(csp, url).not.toMatch(/https?:\/\//)
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN')
      expect(res.headers['referrer-policy'], url).toBe('no-referrer')
    }
  })

  it('sends API answers a policy that allows nothing, and no header meant for pages', async () => {
    const graphql = await app().inject({ method: 'POST', url: '/graphql', payload: { query: '{ dataset { version } }' } })
    const answers = [graphql, ...await Promise.all(['/v1/events', '/v1/events?limit=1', '/v1/no-such-route', '/openapi.json', '/schema.graphql', '/health', '/v1/stats/events?groupBy=type&format=csv']
      .map((url) => app().inject({ method: 'GET', url })))]
    for (const res of answers) {
      const what = `${res.statusCode} ${String(res.headers['content-type'])}`
      expect(String(res.headers['content-type']), what).not.toMatch(/html/)
      expect(res.headers['content-security-policy'], what).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(res.headers['x-content-type-options'], what).toBe('nosniff')
      expect(res.headers['x-frame-options'], what).toBe('DENY')
      expect(res.headers['strict-transport-security'], what).toMatch(/^max-age=\d+/)
      expect(res.headers['cross-origin-resource-policy'], what).toBe('cross-origin')
      for (const pageOnly of ['x-dns-prefetch-control', 'x-download-options', 'x-xss-protection', 'origin-agent-cluster', 'cross-origin-opener-policy', 'x-permitted-cross-domain-policies']) {
        expect(res.headers[pageOnly], `${what} ${pageOnly}`).toBeUndefined()
      }
    }
  })

  it('limits each client to the configured rate, with Retry-After', async () => {
    const limited = await buildTestApp({ rateLimitMax: 3, rateLimitWindowMs: 60_000 })
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await limited.inject({ method: 'GET', url: '/v1/events?limit=1' })).statusCode)
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    const res = await limited.inject({ method: 'GET', url: '/v1/events?limit=1' })
    expect(res.headers['retry-after']).toBeDefined()
    expect(res.headers['content-type']).toMatch(/problem\+json/)
    expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
    // Probes stay answerable for the load balancer.
    expect((await limited.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    // Another client has its own budget.
    expect((await limited.inject({ method: 'GET', url: '/v1/events?limit=1', remoteAddress: '10.0.0.9' })).statusCode).toBe(200)
  })

  it('refuses a body over the limit with 413 problem+json', async () => {
    const small = await buildTestApp({ bodyLimitBytes: 2048 })
    const res = await small.inject({ method: 'POST', url: '/graphql', payload: { query: `{ dataset { version } } ${'#'.repeat(5000)}` } })
    expect(res.statusCode).toBe(413)
    expect(res.json().errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE')
    const { key } = createKey(small.storage.sqlite, 'big-body', 'editor')
    const rest = await small.inject({ method: 'POST', url: '/v1/actors', headers: { authorization: `Bearer ${key}` }, payload: { name: 'x'.repeat(5000) } })
    expect(rest.statusCode).toBe(413)
    expect(rest.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it('a 5xx says nothing of its cause, in REST and GraphQL', async () => {
    const broken = await buildTestApp()
    broken.storage.sqlite.exec('DROP TABLE statement_events')
    const rest = await broken.inject({ method: 'GET', url: '/v1/statements' })
    expect(rest.statusCode).toBe(500)
    expect(rest.json()).toMatchObject({ code: 'INTERNAL_ERROR', detail: expect.not.stringMatching(/statement_events|SQLITE|no such table|at /) })
    const g = await gql(broken, '{ statements { nodes { id events { id } } } }')
    expect(JSON.stringify(g.body)).not.toMatch(/statement_events|SQLITE|no such table/)
    expect(g.body.errors?.[0]?.extensions.code).toBe('INTERNAL_ERROR')
    const ready = await broken.inject({ method: 'GET', url: '/ready' })
    expect(ready.statusCode).toBe(200)
  })
})

describe('event-loop guard', () => {
  it('answers 503 with Retry-After while the event loop is saturated, and recovers', async () => {
    const guarded = await buildTestApp({ maxEventLoopDelayMs: 50 })
    expect((await guarded.inject({ method: 'GET', url: '/v1/events?limit=1' })).statusCode).toBe(200)
    // Saturate the loop for longer than a sampling period of under-pressure (1 s).
    let saw503 = false
    for (let round = 0; round < 3 && !saw503; round++) {
      const until = Date.now() + 1200
      while (Date.now() < until) { /* busy: nothing else runs */ }
      await new Promise((r) => setTimeout(r, 20))
      const before = guarded.storage.statements.count
      const res = await guarded.inject({ method: 'GET', url: '/v1/events?limit=1&count=exact&facets=type,place' })
      if (res.statusCode === 503) {
        saw503 = true
        expect(res.headers['retry-after']).toBe('10')
        expect(res.json()).toMatchObject({ status: 503, code: 'OVERLOADED' })
        // The request refused is not also served: its page, count and facets would be four statements.
        await new Promise((r) => setTimeout(r, 50))
        expect(guarded.storage.statements.count - before).toBeLessThanOrEqual(1)
      }
    }
    expect(saw503).toBe(true)
    // Once the loop is free again the next sample clears the state.
    let recovered = false
    for (let i = 0; i < 40 && !recovered; i++) {
      await new Promise((r) => setTimeout(r, 100))
      recovered = (await guarded.inject({ method: 'GET', url: '/v1/events?limit=1' })).statusCode === 200
    }
    expect(recovered).toBe(true)
  }, 20_000)
})
