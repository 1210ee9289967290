import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, GraphQLEnumType, type GraphQLSchema } from 'graphql'
import { MapperKind, mapSchema } from '@graphql-tools/utils'
import { withImplementation } from './scalars.ts'

export const SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../schema.graphql')

/**
 * Builds the executable schema from schema.graphql. GraphQL enum values are upper case by
 * convention while the database and REST use lower case; mapping each enum value to its lower-case
 * form lets resolvers pass rows through and receive filter arguments in the stored form. Custom
 * scalars get their parsing and serialising from scalars.ts; their descriptions stay in the SDL.
 */
export function loadSchema(): GraphQLSchema {
  const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'))
  return mapSchema(schema, {
    [MapperKind.ENUM_TYPE]: (type) => {
      const config = type.toConfig()
      const values = Object.fromEntries(Object.entries(config.values).map(([name, v]) => [name, { ...v, value: name.toLowerCase() }]))
      return new GraphQLEnumType({ ...config, values })
    },
    [MapperKind.SCALAR_TYPE]: (type) => withImplementation(type),
  })
}
