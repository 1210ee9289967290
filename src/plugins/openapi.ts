import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import { stringify } from 'yaml'
import { finishDocument } from '../http/openapi-doc.ts'

const UNDOCUMENTED = /^\/(graphql|graphiql|docs|openapi\.(json|yaml)|schema\.graphql)(\/|$)/
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

const TAGS: Record<string, string> = {
  events: 'What happened, when, where and to whom, with dates at their reported precision',
  actors: 'States, forces, organisations and people, with their affiliations',
  places: 'Settlements, regions and crossings, with coordinates and aliases',
  casualties: 'Casualty figures with bounds, qualifier, wording and source',
  displacement: 'Refugee and displacement counts as a time series',
  statements: 'Attributed statements: who said what, when',
  sources: 'The publications every fact is cited from',
  search: 'Full-text search over events and statements',
  dataset: 'Dataset version, counts, licence and the deletions feed',
  export: 'Whole-dataset and sliced exports, GeoJSON and TimelineJS views',
  operations: 'Liveness and readiness probes',
  stats: 'Counts and casualty and displacement figures grouped by period, type, place, country or actor',
  releases: 'Frozen, citable versions of the dataset: their files, and every read route as it answered then',
}

/** YAML without anchors: a shared object written twice stays two plain copies that every tool reads. */
export function documentYaml(doc: unknown): string {
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })
}

/** OpenAPI 3.1 built from the same zod schemas that validate and serialise each route. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Conflict Timeline API',
        version: PACKAGE.version,
        description: 'A cited timeline of the September 2023 Azerbaijani offensive in Nagorno-Karabakh and the exodus that followed. '
          + 'Every figure carries its bounds, its qualifier, the words it was reported with and its source. '
          + 'Errors are RFC 9457 problem+json with a stable `code`. GraphQL is served at /graphql (schema at /schema.graphql).',
        contact: { name: 'Conflict Timeline API maintainers' },
        // The dataset's terms are served with it (GET /v1/dataset, `licence`); there is no SPDX identifier for them.
        license: { name: 'Cite the dataset version and the original source of each figure; terms at GET /v1/dataset' },
      },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'a local server started with `npm start`; use your deployment\'s origin instead' }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `npm run keys -- create`' } } },
    },
    transform: (input) => {
      if (UNDOCUMENTED.test(input.url)) return { schema: { ...input.schema, hide: true }, url: input.url }
      return jsonSchemaTransform(input)
    },
    transformObject: (input) => finishDocument(jsonSchemaTransformObject(input), { version: PACKAGE.version }),
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The page and its files are a document that runs scripts: they carry the page headers.
    uiHooks: { onRequest: (_request, reply, done) => { reply.asDocument(); done() } },
    // "Try it out" calls the public origin when one is configured, else the server the docs were
    // read from, as a relative URL: never a name taken from the request's Host header, which a
    // client can forge and a shared cache could then serve to others (their keys going with it).
    transformSpecification: (spec) => ({ ...spec, servers: [{ url: app.config.publicUrl ?? '/' }] }),
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(documentYaml(app.swagger())))
}, { name: 'openapi' })
