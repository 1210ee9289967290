import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'
import { ALL_IDS, brokenBody, fromSchema, IDS, junk, type Schema } from './arbitraries.ts'
import { responseChecker, type FailureKind } from './check.ts'

interface Param { name: string, in: 'query' | 'path' | 'header', required?: boolean, schema: Schema }
interface Case { path: string[], query: [string, string][], kinds: string[], headers: Record<string, string>, body?: { payload: string, type: string } }

const TOO_LONG = 'a'.repeat(1500)

/** A value for a query parameter: usually one the schema allows, sometimes anything at all. */
function queryValue(p: Param, doc: Schema): fc.Arbitrary<{ value: string, wrong: boolean }> {
  const valid: fc.Arbitrary<string>[] = [fromSchema(p.schema, doc, p.name).map((v) => String(v))]
  if (/^(actor|speaker|affiliation|place|event)$/.test(p.name)) valid.push(fc.constantFrom(...ALL_IDS))
  if (p.name === 'type') valid.push(fc.constantFrom('offensive', 'ceasefire,displacement'))
  if (p.name === 'q') valid.push(fc.constantFrom('refugees', 'ceasefire', 'Pashinyan amnesty'))
  return fc.oneof(
    { arbitrary: fc.oneof(...valid).map((value) => ({ value, wrong: false })), weight: 4 },
    { arbitrary: junk.map((value) => ({ value, wrong: true })), weight: 1 },
  )
}

function requestFor(path: string, method: string, op: Schema, doc: Schema, keys: { editor: string, admin: string }, etag: () => string): fc.Arbitrary<Case> {
  const params: Param[] = op.parameters ?? []
  const resource = /^\/v1\/([a-z-]+)\//.exec(path)?.[1] as keyof typeof IDS | undefined
  const ids = (resource && IDS[resource]) || ALL_IDS
  const pathArb = fc.tuple(...params.filter((p) => p.in === 'path').map(() => fc.oneof(
    { arbitrary: fc.constantFrom(...ids).map((v) => ({ v, kind: null as string | null })), weight: 6 },
    { arbitrary: junk.map((v) => ({ v, kind: 'junk id' })), weight: 2 },
    { arbitrary: fc.constant({ v: TOO_LONG, kind: 'id far too long' }), weight: 1 },
  )))
  const query = params.filter((p) => p.in === 'query')
  const queryArb = fc.subarray(query).chain((chosen) => fc.tuple(...chosen.map((p) => queryValue(p, doc).map((q) => ({ name: p.name, ...q })))))
  const extraArb = fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.tuple(fc.constantFrom('colour', 'page', 'fields'), junk), weight: 1 })
  const write = method !== 'get'
  const authArb = write
    ? fc.oneof({ arbitrary: fc.constantFrom(`Bearer ${keys.editor}`, `Bearer ${keys.admin}`, `Bearer ${keys.admin}`), weight: 8 }, { arbitrary: fc.constantFrom(undefined, 'Bearer nonsense'), weight: 1 })
    : fc.constant(undefined)
  const ifMatchArb = params.some((p) => p.in === 'header' && p.name === 'If-Match')
    ? fc.oneof({ arbitrary: fc.constant('current'), weight: 4 }, { arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: fc.constantFrom('"v1-json"', 'junk'), weight: 1 })
    : fc.constant(undefined)
  // A client revalidating its copy: the tag of the current version, for a 304.
  const ifNoneMatchArb = write ? fc.constant(false) : fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 })
  const schema = op.requestBody?.content?.['application/json']?.schema
  const bodyArb: fc.Arbitrary<{ kind: string | null, body: unknown, type?: string } | undefined> = schema
    ? fc.oneof(
      { arbitrary: fromSchema(schema, doc).map((body) => ({ kind: null, body })), weight: 6 },
      { arbitrary: brokenBody(fromSchema(schema, doc)), weight: 2 },
      { arbitrary: fc.constant({ kind: 'body not JSON', body: 'title=x', type: 'application/x-www-form-urlencoded' }), weight: 1 },
    )
    : fc.constant(undefined)
  return fc.record({ path: pathArb, query: queryArb, extra: extraArb, auth: authArb, ifMatch: ifMatchArb, ifNoneMatch: ifNoneMatchArb, body: bodyArb }).map((r) => {
    const kinds: string[] = []
    for (const p of r.path) if (p.kind) kinds.push(p.kind)
    const pairs: [string, string][] = r.query.map((q) => { if (q.wrong) kinds.push('junk parameter value'); return [q.name, q.value] })
    if (r.extra) { pairs.push(r.extra); kinds.push('unknown parameter') }
    const headers: Record<string, string> = {}
    if (r.auth) headers.authorization = r.auth
    else if (write) kinds.push(r.auth === undefined ? 'no key' : 'bad key')
    if (r.ifMatch === 'current') headers['if-match'] = etag()
    else if (r.ifMatch) { headers['if-match'] = r.ifMatch; kinds.push('stale or junk If-Match') } else if (params.some((p) => p.name === 'If-Match')) kinds.push('missing If-Match')
    if (r.ifNoneMatch) { headers['if-none-match'] = etag(); kinds.push('conditional read') }
    if (r.body?.kind) kinds.push(r.body.kind)
    const body = r.body && { payload: r.body.type ? String(r.body.body) : JSON.stringify(r.body.body), type: r.body.type ?? 'application/json' }
    return { path: r.path.map((p) => p.v), query: pairs, kinds, headers, ...(body ? { body } : {}) }
  })
}

describe('fuzzing every REST operation in the OpenAPI document', () => {
  it('answers generated requests, reads and writes, good and bad, with a declared status, media type and body', async () => {
    const app = await buildTestApp()
    const keys = { editor: createKey(app.storage.sqlite, 'fuzz editor', 'editor').key, admin: createKey(app.storage.sqlite, 'fuzz admin', 'admin').key }
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Schema
    const check = responseChecker(doc)
    let version = 0
    const etag = () => `"v${version}-json"`
    const operations = Object.entries<Schema>(doc.paths).flatMap(([path, ops]) => Object.entries<Schema>(ops).map(([method, op]) => ({ path, method, op })))
    const stats = { operations: operations.length, cases: 0, statuses: {} as Record<string, number>, negative: {} as Record<string, number> }
    const failures: Record<FailureKind, number> = { 'server error': 0, 'undeclared status': 0, 'undeclared content type': 0, 'body against schema': 0, 'malformed body': 0 }
    const examples: string[] = []

    for (const { path, method, op } of operations) {
      await fc.assert(fc.asyncProperty(requestFor(path, method, op, doc, keys, etag), async (c) => {
        version = (await app.inject({ method: 'GET', url: '/v1/dataset' })).json().data.version
        let url = path
        for (const value of c.path) url = url.replace(/\{[^}]+\}/, encodeURIComponent(value))
        const qs = new URLSearchParams(c.query)
        const full = `${url}${qs.size ? `?${qs}` : ''}`
        const headers = { ...c.headers, ...(c.body ? { 'content-type': c.body.type } : {}) }
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url: full, headers, ...(c.body ? { payload: c.body.payload } : {}) })
        stats.cases++
        stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] ?? 0) + 1
        for (const k of new Set(c.kinds)) stats.negative[k] = (stats.negative[k] ?? 0) + 1
        const failure = check(path, method, res)
        if (!failure) return
        failures[failure.kind]++
        if (failures[failure.kind] <= 3) examples.push(`${failure.kind}: ${method.toUpperCase()} ${full.slice(0, 150)} [${c.kinds.join(', ')}]: ${failure.detail}`)
      }), { numRuns: 40, seed: 20230924 })
    }

    console.log(JSON.stringify({ ...stats, failures }))
    expect(examples).toEqual([])
    expect(failures).toEqual({ 'server error': 0, 'undeclared status': 0, 'undeclared content type': 0, 'body against schema': 0, 'malformed body': 0 })
    expect(stats.operations).toBeGreaterThanOrEqual(60)
    // Every kind of request the suite means to send was sent, and writes went through as well as failing.
    for (const k of ['unknown parameter', 'junk parameter value', 'junk id', 'id far too long', 'missing If-Match', 'wrong type in body', 'unknown field in body', 'no key', 'body not JSON']) {
      expect(stats.negative[k], k).toBeGreaterThan(10)
    }
    for (const s of ['200', '201', '304', '400', '404', '412', '415', '422', '428']) expect(stats.statuses[s], s).toBeGreaterThan(0)
  }, 240_000)
})
