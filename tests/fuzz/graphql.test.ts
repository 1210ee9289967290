import fc from 'fast-check'
import {
  getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { sharedApp } from '../helper.ts'

const app = sharedApp({ graphqlMaxDepth: 8 })
const IDS = [
  ...[...seedData.events, ...seedData.actors, ...seedData.places, ...seedData.statements].map((r) => r.id),
  // Global ids, of the right type for some arguments and the wrong one for others.
  ...seedData.events.slice(0, 3).map((r) => `Event:${r.id}`), ...seedData.actors.slice(0, 3).map((r) => `Actor:${r.id}`),
  'Place:azerbaijan', 'Statement:x', 'Nope:azerbaijan', ':', 'Actor:',
]

/** A literal for an argument of the given type: mostly sensible, sometimes hostile. */
function literal(type: GraphQLInputType, depth = 0): fc.Arbitrary<string> {
  if (isNonNullType(type)) return literal(type.ofType, depth)
  if (isListType(type)) return fc.array(literal(type.ofType, depth + 1), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`)
  const named = getNamedType(type)
  if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((v) => v.name))
  if (isInputObjectType(named)) {
    if (depth > 2) return fc.constant('{}')
    const fields = Object.values(named.getFields())
    return fc.subarray(fields, { maxLength: Math.min(3, fields.length) }).chain((chosen) => fc.tuple(...(chosen.length ? chosen.map((f) => literal(f.type, depth + 1).map((v) => `${f.name}: ${v}`)) : [fc.constant('')])))
      .map((parts) => `{ ${parts.filter(Boolean).join(', ')} }`)
  }
  switch (named.name) {
    case 'Int': return fc.oneof(fc.integer({ min: -5, max: 250 }), fc.constantFrom(0, 1, 2147483647, -2147483648)).map(String)
    case 'Float': return fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)
    case 'Boolean': return fc.boolean().map(String)
    case 'ID': return fc.oneof(fc.constantFrom(...IDS), fc.string({ maxLength: 10 })).map((s) => JSON.stringify(s))
    case 'JSON': return fc.constant('{}')
    case 'PartialDate': return fc.oneof(fc.constantFrom('2023', '2023-09', '2023-09-19', '2023-09-24T18:00+04:00', '2023-02-30', '9999-12-31'), fc.string({ maxLength: 12 })).map((s) => JSON.stringify(s))
    default: return fc.oneof(fc.constantFrom('2023-09-20', '2023', 'refugees', 'yesterday', '', '"'), fc.string({ maxLength: 15 })).map((s) => JSON.stringify(s))
  }
}

/** A selection on a type: random fields, random arguments, nested up to `depth`, sometimes aliased. */
function selection(type: GraphQLObjectType, depth: number): fc.Arbitrary<string> {
  const fields = Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)))
  const objects = fields.filter((f) => isObjectType(getNamedType(f.type)))
  const one = (f: GraphQLField<unknown, unknown>): fc.Arbitrary<string> => {
    // Required arguments always, so that most queries get past validation and really run.
    const required = f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined)
    const optional = f.args.filter((a) => !required.includes(a))
    const args = fc.subarray(optional, { maxLength: Math.min(3, optional.length) }).map((o) => [...required, ...o]).chain((chosen) => fc.tuple(...(chosen.length ? chosen.map((a) => literal(a.type).map((v) => `${a.name}: ${v}`)) : [fc.constant('')])))
      .map((parts) => (parts.filter(Boolean).length ? `(${parts.filter(Boolean).join(', ')})` : ''))
    const named = getNamedType(f.type)
    const sub = isObjectType(named) ? (depth > 0 ? selection(named, depth - 1).map((s) => ` ${s}`) : fc.constant(` { __typename }`)) : fc.constant('')
    return fc.tuple(fc.option(fc.constantFrom('a', 'b', 'c')), args, sub).map(([alias, a, s]) => `${alias ? `${alias}_${f.name}: ` : ''}${f.name}${a}${s}`)
  }
  const pool = [...leaves, ...objects]
  return fc.subarray(pool, { minLength: 1, maxLength: Math.min(4, pool.length) }).chain((chosen) => fc.tuple(...chosen.map(one))).map((parts) => `{ ${[...new Set(parts)].join(' ')} }`)
}

describe('fuzzing GraphQL with queries generated from the schema', () => {
  it('never fails with a 5xx or an internal error, and enforces its limits', async () => {
    const schema = app().graphql.schema
    const query = schema.getQueryType()!
    let refusedForLimits = 0
    let answered = 0
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 12 }).chain((depth) => selection(query, depth)), fc.boolean(), async (q, overGet) => {
      // Queries go over GET as often as POST: both transports must answer alike.
      const res = overGet
        ? await app().inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(q)}` })
        : await app().inject({ method: 'POST', url: '/graphql', payload: { query: q } })
      expect(res.statusCode, q).toBeLessThan(500)
      const body = res.json() as { errors?: { extensions?: { code?: string } }[] }
      const codes = (body.errors ?? []).map((e) => e.extensions?.code)
      expect(codes, q).not.toContain('INTERNAL_ERROR')
      for (const c of codes) expect(c, q).toBeTypeOf('string')
      if (codes.includes('GRAPHQL_LIMIT_EXCEEDED')) refusedForLimits++
      if ((body as { data?: unknown }).data) answered++
    }), { numRuns: 300, seed: 20230920 })
    expect(refusedForLimits).toBeGreaterThan(0)
    // Most generated queries must really execute, or the property says little.
    expect(answered).toBeGreaterThan(100)
  }, 120_000)
})
