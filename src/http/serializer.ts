import fastJson from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify'
import { z } from 'zod'

/** Serialisers compiled in this process: an app opened on demand must compile only what it answers. */
export const compiled = { serializers: 0 }

/**
 * Serialises responses with fast-json-stringify, compiled from the JSON Schema of each route's zod
 * response schema: the zod schema stays the single description of the response (types, OpenAPI,
 * tests), while serialisation skips a full zod parse of every object on the way out. Fields that
 * the schema does not declare are left out, as zod's parse would.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  compiled.serializers++
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' })
  return fastJson(json as Parameters<typeof fastJson>[0])
}

/**
 * The same serialisers, each compiled when its route first answers. Fastify compiles every
 * route's serialisers in one synchronous pass when the app becomes ready: about half a second for
 * this API on two busy cores, which an app opened while serving (a release) must not spend
 * holding every other request. Compiled one route at a time, each costs a few milliseconds.
 */
export const lazySerializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  let serialize: ((data: unknown) => string) | undefined
  return (data: unknown) => (serialize ??= serializerCompiler(route) as (data: unknown) => string)(data)
}
