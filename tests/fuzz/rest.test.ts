import Ajv2020Module from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { sharedApp } from '../helper.ts'

// ajv is CommonJS: its class is the default export's `default`.
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default
const app = sharedApp()

type Schema = { type?: string | string[], enum?: unknown[], minimum?: number, maximum?: number, pattern?: string, anyOf?: Schema[] }
interface Param { name: string, in: 'query' | 'path' | 'header', required?: boolean, schema: Schema }
interface Operation { parameters?: Param[], responses: Record<string, { content?: Record<string, unknown> }> }

const IDS = [...seedData.events, ...seedData.actors, ...seedData.places, ...seedData.statements, ...seedData.casualtyReports, ...seedData.displacementCounts, ...seedData.sources].map((r) => r.id)
const junk = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', ' ', '%', '-1', '0', '1e9', 'null', '[]', '{}', '2023-13-45', '\u0000', 'a'.repeat(300), '../../etc', "' OR 1=1 --"))

/** A value for a parameter: usually one the schema allows, sometimes anything at all. */
function valueFor(p: Param): fc.Arbitrary<string> {
  if (p.in === 'path') return fc.oneof(fc.constantFrom(...IDS), junk)
  const s = p.schema.anyOf?.[0] ?? p.schema
  const valid: fc.Arbitrary<string>[] = []
  if (s.enum) valid.push(fc.constantFrom(...s.enum.map(String)))
  if (s.type === 'integer' || s.type === 'number') valid.push(fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 1000) }).map(String))
  if (/^(from|to|updatedSince|since)$/.test(p.name)) valid.push(fc.constantFrom('2023', '2023-09', '2023-09-20', '2023-09-24T18:00+04:00', '1991-01-01'))
  if (/^(actor|speaker|affiliation|place|event)$/.test(p.name)) valid.push(fc.constantFrom(...IDS))
  if (p.name === 'type') valid.push(fc.constantFrom('offensive', 'ceasefire,displacement'))
  if (p.name === 'q') valid.push(fc.constantFrom('refugees', 'ceasefire', 'Pashinyan amnesty'))
  valid.push(fc.string({ minLength: 1, maxLength: 12 }))
  return fc.oneof({ arbitrary: fc.oneof(...valid), weight: 4 }, { arbitrary: junk, weight: 1 })
}

function stripIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripIds)
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$id' && k !== '$schema').map(([k, v]) => [k, stripIds(v)]))
  }
  return node
}

describe('fuzzing every REST read in the OpenAPI document', async () => {
  it('answers generated requests with a declared status, content type and body, and never a 5xx', async () => {
    const doc = (await app().inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> }
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false })
    ajv.addSchema(stripIds(doc) as object, 'doc')
    const pointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.get ? [{ path, op: ops.get }] : []))
    expect(routes.length).toBeGreaterThan(20)
    let checked = 0
    for (const { path, op } of routes) {
      const params = op.parameters ?? []
      const query = params.filter((p) => p.in === 'query')
      const pathParams = params.filter((p) => p.in === 'path')
      const request = fc.record({
        path: fc.tuple(...(pathParams.length ? pathParams.map(valueFor) : [fc.constant('')])),
        query: fc.subarray(query).chain((chosen) => fc.tuple(...(chosen.length ? chosen.map((p) => valueFor(p).map((v): readonly [string, string] | null => [p.name, v])) : [fc.constant(null)]))),
        extra: fc.option(fc.tuple(fc.constantFrom('colour', 'limit', 'cursor', 'sort'), junk)),
      })
      await fc.assert(fc.asyncProperty(request, async ({ path: pathValues, query: pairs, extra }) => {
        let url = path
        pathParams.forEach((p, i) => { url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i]!)) })
        const qs = new URLSearchParams()
        for (const pair of pairs) if (pair) qs.append(pair[0], pair[1])
        if (extra) qs.append(extra[0], extra[1])
        const full = `${url}${qs.size ? `?${qs}` : ''}`
        const res = await app().inject({ method: 'GET', url: full })
        checked++
        expect(res.statusCode, full).toBeLessThan(500)
        const declared = op.responses[String(res.statusCode)]
        expect(declared, `${full} -> ${res.statusCode} is not in the document: ${res.body.slice(0, 200)}`).toBeDefined()
        const type = String(res.headers['content-type'] ?? '')
        if (res.statusCode >= 400) {
          expect(type, full).toMatch(/^application\/problem\+json/)
          return
        }
        if (!/^application\/json/.test(type)) {
          expect(type, full).toMatch(/^(text\/csv|application\/x-ndjson|application\/geo\+json|text\/html)/)
          return
        }
        const validate = ajv.getSchema(`doc#/paths/${pointer(path)}/get/responses/${res.statusCode}/content/application~1json/schema`)
        expect(validate, full).toBeDefined()
        expect(validate!(res.json()), `${full}: ${JSON.stringify(validate!.errors)}`).toBe(true)
      }), { numRuns: 40, seed: 20230924 })
    }
    expect(checked).toBeGreaterThan(800)
  }, 120_000)
})
