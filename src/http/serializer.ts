import fastJson from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify'
import { z } from 'zod'

/**
 * Serialises responses with fast-json-stringify, compiled from the JSON Schema of each route's zod
 * response schema: the zod schema stays the single description of the response (types, OpenAPI,
 * tests), while serialisation skips a full zod parse of every object on the way out. Fields that
 * the schema does not declare are left out, as zod's parse would.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' })
  return fastJson(json as Parameters<typeof fastJson>[0])
}
