import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

const UNDOCUMENTED = /^\/(graphql|graphiql|docs|openapi\.json)(\/|$)/

/** OpenAPI 3.1 built from the same zod schemas that validate and serialise each route. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Conflict Timeline API',
        version: '1.0.0',
        description: 'A cited timeline of the September 2023 Azerbaijani offensive in Nagorno-Karabakh and the exodus that followed. '
          + 'Every figure carries its bounds, its qualifier, the words it was reported with and its source. '
          + 'Errors are RFC 9457 problem+json with a stable `code`. GraphQL is served at /graphql.',
      },
      tags: ['events', 'actors', 'places', 'casualties', 'displacement', 'statements', 'sources', 'search', 'dataset', 'export', 'operations']
        .map((name) => ({ name })),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `npm run keys -- create`' } } },
    },
    transform: (input) => {
      if (UNDOCUMENTED.test(input.url)) return { schema: { ...input.schema, hide: true }, url: input.url }
      return jsonSchemaTransform(input)
    },
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })
