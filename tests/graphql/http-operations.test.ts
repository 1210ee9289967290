import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'

const q = (s: string) => encodeURIComponent(s)

describe('what each HTTP method may run', () => {
  it('HEAD refuses a mutation as GET does, and writes nothing', async () => {
    const app = await buildTestApp()
    const { key } = createKey(app.storage.sqlite, 'desk', 'admin')
    const before = await app.inject('/v1/actors/armenia')
    const mutation = `mutation { updateActor(id: "armenia", patch: { name: "Renamed by HEAD" }, ifMatch: ${JSON.stringify(before.headers.etag)}) { name } }`
    for (const method of ['HEAD', 'GET'] as const) {
      const res = await app.inject({ method, url: `/graphql?query=${q(mutation)}`, headers: { authorization: `Bearer ${key}` } })
      expect(res.statusCode, method).toBe(405)
      expect(res.headers.allow, method).toBe('POST')
    }
    const after = await app.inject('/v1/actors/armenia')
    expect(after.json().data.name).toBe(before.json().data.name)
    expect(after.headers.etag).toBe(before.headers.etag)
    // POST runs it.
    const post = await app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${key}` }, payload: { query: mutation } })
    expect(post.json().data.updateActor.name).toBe('Renamed by HEAD')
  })

  it('a subscription over HTTP is a 400 pointing at the WebSocket, by any method', async () => {
    const app = await buildTestApp()
    const doc = 'subscription { timelineChanged { recordType } }'
    const answers = [
      await app.inject({ method: 'POST', url: '/graphql', payload: { query: doc } }),
      await app.inject({ method: 'GET', url: `/graphql?query=${q(doc)}` }),
    ]
    for (const res of answers) {
      expect(res.statusCode).toBe(400)
      expect(res.json().errors[0].extensions.code).toBe('BAD_REQUEST')
      expect(res.json().errors[0].message).toMatch(/WebSocket/)
    }
  })

  it('an operationName naming no operation is named in a 400, GET as POST', async () => {
    const app = await buildTestApp()
    const cases: [string, string | undefined, RegExp][] = [
      ['query A { dataset { version } }', 'B', /Unknown operation named "B"/],
      ['query A { dataset { version } }', '', /Unknown operation named ""/],
      ['query A { dataset { version } } query B { events(first: 1) { nodes { id } } }', undefined, /Must provide operation name/],
      ['{ dataset { version } } { events(first: 1) { nodes { id } } }', undefined, /Must provide operation name|must be the only defined operation/],
    ]
    for (const [query, operationName, message] of cases) {
      const name = operationName === undefined ? '' : `&operationName=${q(operationName)}`
      const get = await app.inject(`/graphql?query=${q(query)}${name}`)
      const post = await app.inject({ method: 'POST', url: '/graphql', payload: { query, ...(operationName === undefined ? {} : { operationName }) } })
      for (const res of [get, post]) {
        expect(res.statusCode, `${query} ${operationName}`).toBe(400)
        expect(res.json().errors[0].message).toMatch(message)
        expect(res.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
      }
    }
  })

  it('names an empty query, a batch and extensions that are not an object', async () => {
    const app = await buildTestApp()
    const empty = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '' } })
    expect(empty.statusCode).toBe(400)
    expect(empty.json().errors[0]).toMatchObject({ message: 'Syntax Error: the document is empty', extensions: { code: 'GRAPHQL_PARSE_FAILED' } })
    const batch = await app.inject({ method: 'POST', url: '/graphql', payload: [{ query: '{ dataset { version } }' }, { query: '{ dataset { version } }' }] })
    expect(batch.statusCode).toBe(400)
    expect(batch.json().errors[0].message).toMatch(/batched queries are not accepted/)
    for (const res of [
      await app.inject(`/graphql?query=${q('{ dataset { version } }')}&extensions=junk`),
      await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ dataset { version } }', extensions: 'junk' } }),
    ]) {
      expect(res.statusCode).toBe(400)
      expect(res.json().errors[0]).toMatchObject({ message: 'extensions must be a JSON object', extensions: { code: 'BAD_REQUEST' } })
    }
  })
})
