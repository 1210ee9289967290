import { describe, expect, it } from 'vitest'
import { buildTestApp, sharedApp } from '../helper.ts'

const app = sharedApp()

/** Sends a raw JSON body, so that payloads JSON.stringify would refuse (deep nesting) can be sent. */
async function post(body: string) {
  const res = await app().inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: body })
  return { status: res.statusCode, body: res.json() as { data: unknown, errors?: { message: string, extensions: { code: string } }[] } }
}
const query = (q: string, extra: object = {}) => post(JSON.stringify({ query: q, ...extra }))

describe('GraphQL documents are checked before they are parsed or cached', () => {
  it.each([
    ['thousands of operations in one document', Array.from({ length: 500 }, (_, i) => `query Q${i} { dataset { version } }`).join('\n'), /longer than|operations/],
    ['more operations than allowed, within the size limit', Array.from({ length: 21 }, (_, i) => `query Q${i} { dataset { version } }`).join(' '), /more than 20 operations/],
    ['more tokens than allowed', `{ dataset { ${'version '.repeat(2100)} } }`, /more than 2000 tokens|longer than/],
    ['20 KB of whitespace', `{ dataset { version } }${' '.repeat(20_000)}`, /longer than 16384 bytes/],
    ['deeply nested selections', `{${'a{'.repeat(3000)}${'}'.repeat(3001)}`, /nests brackets more than 64/],
    ['deeply nested list literals', `{ events(filter: { type: ${'['.repeat(3000)}${']'.repeat(3000)} }) { totalCount } }`, /nests brackets/],
    ['fields repeated past graphql-js\'s own validation budget', `{ dataset { ${'version '.repeat(1500)} } }`, /same fields too many times/],
  ])('%s: 400 GRAPHQL_LIMIT_EXCEEDED', async (_name, q, message) => {
    const before = app().storage.statements.count
    const { status, body } = await query(q, { operationName: 'Q1' })
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
    expect(body.errors?.[0]?.message).toMatch(message)
    expect(body.errors?.[0]?.message).not.toMatch(/call stack/i)
    // Refused before execution: the only statement is the response cache's version lookup.
    expect(app().storage.statements.count - before).toBeLessThanOrEqual(1)
  })

  it('refuses a body larger than a query and its variables may be with 413, before reading it', async () => {
    const { status, body } = await query(`{ dataset { version } }${' '.repeat(1_000_000)}`)
    expect(status).toBe(413)
    expect(body.errors?.[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('refuses variables nested deeper than 16 levels without overflowing the stack', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`
    const { status, body } = await post(`{"query":"query ($t: [EventType!]) { events(filter: { type: $t }) { totalCount } }","variables":{"t":${deep}}}`)
    expect(status).toBe(400)
    expect(body.errors?.[0]).toMatchObject({ message: 'variables nest more than 16 levels deep', extensions: { code: 'GRAPHQL_LIMIT_EXCEEDED' } })
  })

  it('refuses variables larger than the limit', async () => {
    const { status, body } = await query('query ($q: String) { search(q: $q) { totalCount } }', { variables: { q: 'x'.repeat(70_000) } })
    expect(status).toBe(400)
    expect(body.errors?.[0]?.message).toMatch(/variables are larger than 65536 bytes/)
  })

  it.each([
    ['null', '{"query":null}', /query is required/],
    ['missing', '{"variables":{}}', /query is required/],
    ['a number', '{"query":123}', /query must be a string/],
    ['an object', '{"query":{"kind":"Document","definitions":[]}}', /query must be a string/],
    ['an array of variables', '{"query":"{ dataset { version } }","variables":[1]}', /variables must be a JSON object/],
    ['a numeric operationName', '{"query":"{ dataset { version } }","operationName":5}', /operationName must be a string/],
  ])('a body whose query is %s is a 400 BAD_REQUEST with no runtime error text', async (_name, raw, message) => {
    const { status, body } = await post(raw)
    expect(status).toBe(400)
    expect(body.errors).toHaveLength(1)
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_REQUEST')
    expect(body.errors?.[0]?.message).toMatch(message)
    expect(body.errors?.[0]?.message).not.toMatch(/iterable|undefined|TypeError|Internal/)
  })

  it.each([
    ['a JSON-encoded syntax tree', JSON.stringify({ kind: 'Document', definitions: [] })],
    ['the JSON literal null', 'null'],
    ['an empty document', '  # only a comment\n'],
  ])('%s as the query text is a parse failure, never read as an AST', async (_name, q) => {
    const { status, body } = await query(q)
    expect(status).toBe(400)
    expect(body.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED')
  })

  it('answers a mutation sent with GET with a coded 405', async () => {
    const q = encodeURIComponent('mutation { deleteEvent(id: "x", ifMatch: "\\"v1-json\\"") { recordId } }')
    const res = await app().inject({ method: 'GET', url: `/graphql?query=${q}` })
    expect(res.statusCode).toBe(405)
    expect(res.json().errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED')
  })

  it('refuses deep variables sent in a GET query string too', async () => {
    const q = encodeURIComponent('query ($t: [EventType!]) { events(filter: { type: $t }) { totalCount } }')
    const v = encodeURIComponent(JSON.stringify({ t: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }))
    const res = await app().inject({ method: 'GET', url: `/graphql?query=${q}&variables=${v}` })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].extensions.code).toBe('GRAPHQL_LIMIT_EXCEEDED')
  })

  it('still answers an ordinary query and a repeated one from the response cache', async () => {
    const first = await app().inject({ method: 'POST', url: '/graphql', payload: { query: '{ dataset { version } }' } })
    const second = await app().inject({ method: 'POST', url: '/graphql', payload: { query: '{ dataset { version } }' } })
    expect(first.statusCode).toBe(200)
    expect(second.headers['x-cache']).toBe('hit')
    expect(second.body).toBe(first.body)
  })
})

describe('the response cache is bounded in bytes', () => {
  it('never keeps a response larger than its share of the byte budget', async () => {
    const small = await buildTestApp({ cacheMaxBytes: 32_768 })
    const read = () => small.inject({ method: 'GET', url: '/v1/events?limit=50' })
    const first = await read()
    expect(first.body.length).toBeGreaterThan(32_768 / 8)
    expect((await read()).headers['x-cache']).toBeUndefined()
    // A small body fits and is served from memory the second time.
    await small.inject({ method: 'GET', url: '/v1/sources?limit=1' })
    const hit = await small.inject({ method: 'GET', url: '/v1/sources?limit=1' })
    expect(hit.headers['x-cache']).toBe('hit')
  })
})
