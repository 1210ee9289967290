import { readFileSync } from 'node:fs'
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { KNOWN_CODES } from '../src/errors.ts'
import { TRANSPORT_CODES } from '../src/graphql/persisted.ts'
import { RESOURCES } from '../src/modules/curation/resources.ts'
import { sharedApp } from './helper.ts'

const app = sharedApp()

describe('committed contracts match the running server', () => {
  it('openapi.yaml equals /openapi.json (run `npm run openapi` after changing a route)', async () => {
    const served = (await app().inject({ method: 'GET', url: '/openapi.json' })).json()
    const committed = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'))
    expect(served.openapi).toBe('3.1.0')
    expect(committed).toEqual(served)
  })

  it('serves openapi.yaml and schema.graphql as committed', async () => {
    const yaml = await app().inject({ method: 'GET', url: '/openapi.yaml' })
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/)
    expect(yaml.body).toBe(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'))
    const sdl = await app().inject({ method: 'GET', url: '/schema.graphql' })
    expect(sdl.statusCode).toBe(200)
    expect(sdl.body).toBe(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'))
  })

  it('schema.graphql equals the schema Mercurius serves', () => {
    const committed = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'))
    const running = app().graphql.schema
    expect(printSchema(lexicographicSortSchema(running))).toBe(printSchema(lexicographicSortSchema(committed)))
  })

  it('GraphQL write inputs have exactly the fields of the zod write schemas', () => {
    const names: Record<string, string> = { source: 'Source', actor: 'Actor', place: 'Place', event: 'Event', casualty_report: 'CasualtyReport', displacement_count: 'DisplacementCount', statement: 'Statement' }
    const schema = app().graphql.schema
    for (const spec of RESOURCES) {
      const fields = (type: string) => Object.keys((schema.getType(type) as unknown as { getFields(): object }).getFields()).sort()
      const zodKeys = Object.keys(spec.input.shape).sort()
      expect(fields(`${names[spec.recordType]}Input`), spec.path).toEqual(zodKeys)
      expect(fields(`${names[spec.recordType]}Patch`), spec.path).toEqual(zodKeys.filter((k) => k !== 'id'))
    }
  })

  it('docs/contract.md lists every error code the server may send, and no other', () => {
    const doc = readFileSync('docs/contract.md', 'utf8')
    const table = doc.slice(doc.indexOf('## Error codes'), doc.indexOf('## Errors that do not come from a route'))
    const listed = new Set([...table.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((c) => c[1]!)))
    const sent = new Set([...KNOWN_CODES, ...Object.values(TRANSPORT_CODES)])
    expect([...sent].filter((c) => !listed.has(c)).sort()).toEqual([])
    expect([...listed].filter((c) => !sent.has(c)).sort()).toEqual([])
  })

  it('docs, GraphiQL, health and readiness are served', async () => {
    for (const url of ['/docs', '/graphiql', '/health', '/ready']) {
      const res = await app().inject({ method: 'GET', url })
      expect(res.statusCode, url).toBeLessThan(400)
    }
  })
})
