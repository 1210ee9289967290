import { describe, expect, it } from 'vitest'
import { parse } from 'graphql'
import WebSocket from 'ws'
import { createKey } from '../../src/modules/keys/queries.ts'
import { MAX_SUBSCRIPTION_CONNECTIONS, MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../src/plugins/graphql.ts'
import { buildTestApp } from '../helper.ts'

// Subscriptions come over the WebSocket, past the checks of a GraphQL request over HTTP; they get
// the same checks, and bounds of their own on connections and subscriptions per connection.
describe('GraphQL subscriptions over the WebSocket', () => {
  /** A listening app (closed after the test), an editor's key, and initialised connections to it. */
  async function setup() {
    const app = await buildTestApp()
    const key = createKey(app.storage.sqlite, 'editor', 'editor').key
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/graphql`
    const write = async (name: string) => {
      const res = await app.inject({ method: 'POST', url: '/v1/actors', headers: { authorization: `Bearer ${key}` }, payload: { name, kind: 'international_organisation' } })
      expect(res.statusCode).toBe(201)
    }
    return { url, write, connect: () => connect(url) }
  }

  /** An initialised connection and the messages it received. */
  async function connect(url: string) {
    const ws = new WebSocket(url, 'graphql-transport-ws')
    const messages: any[] = []
    ws.on('message', (data) => messages.push(JSON.parse(String(data))))
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
    ws.send(JSON.stringify({ type: 'connection_init' }))
    const until = async (pred: (m: any) => boolean, ms = 3000) => {
      const end = Date.now() + ms
      while (Date.now() < end) { const m = messages.find(pred); if (m) return m; await new Promise((r) => setTimeout(r, 10)) }
      return undefined
    }
    expect(await until((m) => m.type === 'connection_ack')).toBeDefined()
    const subscribe = (id: string, query: unknown) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }))
    return { ws, messages, closed, until, subscribe }
  }

  it('refuses documents that fail the schema or the limits, naming why, and runs none of them', async () => {
    const { connect, write } = await setup()
    const c = await connect()
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: recordId`).join(' ')
    c.subscribe('unknown', 'subscription { timelineChanged { notAField } }')
    c.subscribe('aliases', `subscription { timelineChanged { ${aliases} } }`)
    c.subscribe('ok', 'subscription { timelineChanged { recordId } }')
    const unknown = await c.until((m) => m.id === 'unknown' && m.type === 'error')
    expect(unknown.payload[0].message).toMatch(/notAField/)
    expect(unknown.payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const many = await c.until((m) => m.id === 'aliases' && m.type === 'error')
    expect(many.payload[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    await new Promise((r) => setTimeout(r, 100))
    await write('Observer One')
    expect(await c.until((m) => m.id === 'ok' && m.type === 'next')).toMatchObject({ payload: { data: { timelineChanged: { recordId: 'observer-one' } } } })
    expect(c.messages.filter((m) => m.type === 'next' && m.id !== 'ok')).toEqual([])
    c.ws.close()
  })

  it(`holds at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions on a connection, and takes another once one completes`, async () => {
    const { connect, write } = await setup()
    const c = await connect()
    for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) c.subscribe(`s${i}`, 'subscription { timelineChanged { recordId } }')
    const over = await c.until((m) => m.type === 'error')
    expect(over.id).toBe(`s${MAX_SUBSCRIPTIONS_PER_CONNECTION}`)
    expect(over.payload[0].message).toMatch(/at most/)
    c.ws.send(JSON.stringify({ id: 's0', type: 'complete' }))
    await new Promise((r) => setTimeout(r, 100))
    c.subscribe('again', 'subscription { timelineChanged { recordId } }')
    await new Promise((r) => setTimeout(r, 100))
    expect(c.messages.filter((m) => m.type === 'error')).toHaveLength(1)
    await write('Observer Two')
    expect(await c.until((m) => m.id === 'again' && m.type === 'next')).toBeDefined()
    c.ws.close()
  })

  it('refuses a second subscription under a running one\'s id, so completing an id stops all it holds', async () => {
    const { connect, write } = await setup()
    const c = await connect()
    for (let i = 0; i < 3; i++) c.subscribe('same', 'subscription { timelineChanged { recordId } }')
    const twice = await c.until((m) => m.id === 'same' && m.type === 'error')
    expect(twice.payload[0]).toMatchObject({ message: expect.stringMatching(/running on this connection already/), extensions: { code: 'BAD_REQUEST' } })
    await new Promise((r) => setTimeout(r, 100))
    await write('Observer Three')
    await c.until((m) => m.id === 'same' && m.type === 'next')
    expect(c.messages.filter((m) => m.id === 'same' && m.type === 'next')).toHaveLength(1)
    c.ws.send(JSON.stringify({ id: 'same', type: 'complete' }))
    await new Promise((r) => setTimeout(r, 100))
    await write('Observer Four')
    await new Promise((r) => setTimeout(r, 200))
    expect(c.messages.filter((m) => m.id === 'same' && m.type === 'next')).toHaveLength(1)
    // Its place is free again: five more fit.
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) c.subscribe(`n${i}`, 'subscription { timelineChanged { recordId } }')
    await new Promise((r) => setTimeout(r, 200))
    expect(c.messages.filter((m) => m.type === 'error' && m.id !== 'same')).toEqual([])
    c.ws.close()
  })

  it('a subscription refused for its operation or variables holds no place and no id, with the code HTTP would give', async () => {
    const { connect, write } = await setup()
    const c = await connect()
    const send = (id: string, payload: object) => c.ws.send(JSON.stringify({ id, type: 'subscribe', payload }))
    const skip = 'subscription ($s: Boolean!) { timelineChanged { recordId @skip(if: $s) } }'
    const refusals: [object, string, RegExp][] = [
      [{ query: skip, variables: {} }, 'BAD_REQUEST', /\$s/],
      [{ query: skip, variables: { s: 'yes' } }, 'BAD_REQUEST', /Boolean/],
      [{ query: skip, variables: 5 }, 'BAD_REQUEST', /object/],
      [{ query: skip, variables: 'x' }, 'BAD_REQUEST', /object/],
      [{ query: 'subscription A { timelineChanged { recordId } }', operationName: 'B' }, 'GRAPHQL_VALIDATION_FAILED', /"B"/],
      [{ query: '{ dataset { version } }' }, 'BAD_REQUEST', /over HTTP/],
      [{ query: 'subscription A { timelineChanged { recordId } } subscription B { timelineChanged { kind } }' }, 'GRAPHQL_VALIDATION_FAILED', /several operations/],
      [{ query: 'subscription { timelineChanged { recordId }' }, 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
    ]
    // Two rounds under the same ids: the first round's refusals kept none of them.
    for (const round of [0, 1]) {
      for (const [i, [payload]] of refusals.entries()) send(`bad${i}`, payload)
      for (const [i, [, code, message]] of refusals.entries()) {
        await c.until((m) => m.id === `bad${i}` && m.type === 'error' && c.messages.filter((x) => x.id === `bad${i}`).length === round + 1)
        const error = c.messages.filter((m) => m.id === `bad${i}` && m.type === 'error')[round]
        expect(error.payload[0].extensions?.code, `${round} ${i}`).toBe(code)
        expect(error.payload[0].message, `${round} ${i}`).toMatch(message)
      }
    }
    // Every place is free, and each refused id can be used.
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) send(`bad${i}`, { query: skip, variables: { s: false } })
    await new Promise((r) => setTimeout(r, 200))
    await write('Observer Five')
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) {
      expect(await c.until((m) => m.id === `bad${i}` && m.type === 'next'), `bad${i}`).toMatchObject({ payload: { data: { timelineChanged: { recordId: 'observer-five' } } } })
    }
    expect(c.messages.filter((m) => m.type === 'error')).toHaveLength(2 * refusals.length)
    c.ws.close()
  })

  it('follows graphql-transport-ws: a second init closes with 4429, a subscribe before init with 4401, an unknown type with 4400', async () => {
    const { url, connect } = await setup()
    const twice = await connect()
    twice.ws.send(JSON.stringify({ type: 'connection_init' }))
    expect(await twice.closed).toBe(4429)
    const unknown = await connect()
    unknown.ws.send(JSON.stringify({ type: 'wat' }))
    expect(await unknown.closed).toBe(4400)
    const early = new WebSocket(url, 'graphql-transport-ws')
    const closed = new Promise<number>((resolve) => early.once('close', (code) => resolve(code)))
    await new Promise((resolve, reject) => { early.once('open', resolve); early.once('error', reject) })
    early.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { timelineChanged { recordId } }' } }))
    expect(await closed).toBe(4401)
    // ping is answered with pong, and the connection stays.
    const c = await connect()
    c.ws.send(JSON.stringify({ type: 'ping' }))
    expect(await c.until((m) => m.type === 'pong')).toBeDefined()
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
    c.ws.close()
  })

  it('closes with 4400 a connection sending a message it cannot read, and keeps serving', async () => {
    const { connect } = await setup()
    for (const message of ['null', '[]', '{"type":5}', '{"id":"x","type":"subscribe","payload":null}', '{"id":"x","type":"subscribe","payload":{"query":5}}', 'not json']) {
      const c = await connect()
      c.ws.send(message)
      expect(await c.closed, message).toBe(4400)
    }
    // A complete for an id that never ran is no error.
    const c = await connect()
    c.ws.send(JSON.stringify({ id: 'zz', type: 'complete' }))
    c.subscribe('ok', 'subscription { timelineChanged { recordId } }')
    await new Promise((r) => setTimeout(r, 200))
    expect(c.ws.readyState).toBe(WebSocket.OPEN)
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([])
    c.ws.close()
  })

  it('closes a connection that sends a message past the request size limit or a query that is not text', async () => {
    const { connect } = await setup()
    const big = await connect()
    big.subscribe('big', `subscription { timelineChanged { recordId } } ${'#'.repeat(200_000)}`)
    expect(await big.closed).toBe(1009)
    const tree = await connect()
    tree.subscribe('tree', parse('subscription { timelineChanged { recordId } }', { noLocation: true }))
    await tree.closed
    expect(tree.messages.filter((m) => m.type === 'next')).toEqual([])
  })

  it(`refuses a WebSocket upgrade past ${MAX_SUBSCRIPTION_CONNECTIONS} open connections`, async () => {
    const { url } = await setup()
    const open: WebSocket[] = []
    for (let i = 0; i < MAX_SUBSCRIPTION_CONNECTIONS; i++) {
      const ws = new WebSocket(url, 'graphql-transport-ws')
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
      open.push(ws)
    }
    const refused = new WebSocket(url, 'graphql-transport-ws')
    const status = await new Promise<number>((resolve) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      refused.once('open', () => resolve(101))
    })
    expect(status).toBe(503)
    for (const ws of open) ws.close()
  })
})

describe('a GraphQL mutation request', () => {
  it('holds one write: two are refused before either runs, naming both', async () => {
    const app = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
    const source = (id: string) => `createSource(input: { id: "${id}", publisher: "p", publishedDate: "2023-01-01", kind: NEWS_REPORT, language: "en" }) { id }`
    const two = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { a: ${source('half-1')} b: ${source('half-1')} }` } })
    expect(two.statusCode).toBe(400)
    expect(two.json().errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })
    expect(two.json().errors[0].message).toMatch(/holds one write.*\(a, b\)/)
    // Through a fragment on the Mutation type too.
    const spread = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { ...W c: ${source('half-2')} } fragment W on Mutation { d: ${source('half-3')} }` } })
    expect(spread.statusCode).toBe(400)
    for (const id of ['half-1', 'half-2', 'half-3']) expect((await app.inject(`/v1/sources/${id}`)).statusCode).toBe(404)
    const one = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { __typename a: ${source('whole-1')} }` } })
    expect(one.statusCode).toBe(200)
    expect(one.json().data.a.id).toBeTruthy()
  })
})

describe('GraphQL text arguments', () => {
  it('are held to REST\'s bounds: at most 200 characters, not empty', async () => {
    const app = await buildTestApp()
    const long = 'ceasefire '.repeat(30)
    for (const query of [`{ search(q: "${long}") { nodes { __typename } } }`, `{ events(filter: { q: "${long}" }) { nodes { id } } }`,
      `{ events(filter: { actor: "${'a'.repeat(201)}" }) { nodes { id } } }`, '{ search(q: "") { nodes { __typename } } }']) {
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
      expect(res.json().errors?.[0]?.extensions.code, query.slice(0, 40)).toBe('INVALID_PARAMETER')
      expect(res.json().errors[0].message).toMatch(/^(q|filter\.\w+): (at most 200 characters|must not be empty)/)
    }
    const ok = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ search(q: "ceasefire") { nodes { __typename } } }' } })
    expect(ok.json().errors).toBeUndefined()
  })

  it('ids too: a record by id, a node, and each of nodes', async () => {
    const app = await buildTestApp()
    const long = 'a'.repeat(201)
    const cases: [string, RegExp][] = [
      ['{ event(id: "") { id } }', /^id: must not be empty/],
      [`{ event(id: "${long}") { id } }`, /^id: at most 200 characters/],
      [`{ actor(id: "Actor:${long}") { id } }`, /^id: at most 200 characters/],
      [`{ node(id: "${long}") { id } }`, /^id: at most 200 characters/],
      [`{ node(id: "Event:${long}") { id } }`, /^id: at most 200 characters/],
      [`{ nodes(ids: ["Event:ceasefire-2023-09-20", "${long}"]) { id } }`, /^ids\.1: at most 200 characters/],
    ]
    for (const [query, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
      expect(res.json().errors?.[0]?.extensions.code, query.slice(0, 40)).toBe('INVALID_PARAMETER')
      expect(res.json().errors[0].message, query.slice(0, 40)).toMatch(message)
    }
    // At the bound, an id that names nothing is simply not found.
    const edge = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ event(id: "${'a'.repeat(200)}") { id } node(id: "Event:${'b'.repeat(200)}") { id } }` } })
    expect(edge.json()).toEqual({ data: { event: null, node: null } })
  })

  it('an empty list filter is refused, as REST refuses `type=`', async () => {
    const app = await buildTestApp()
    for (const query of ['{ events(filter: { type: [] }) { totalCount } }', '{ eventStats(filter: { type: [] }) { rows { events } } }']) {
      const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query } })
      expect(res.json().errors?.[0]?.extensions.code, query).toBe('INVALID_PARAMETER')
      expect(res.json().errors[0].message, query).toMatch(/^filter\.type: give at least one value/)
    }
    expect((await app.inject('/v1/events?type=')).statusCode).toBe(400)
  })
})
