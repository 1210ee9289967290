import Fastify, { type FastifyServerOptions } from 'fastify'
import cors from '@fastify/cors'
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { corsOptions } from './http/cors.ts'
import { jsonBodyParser } from './http/json-body.ts'
import { checkFilterPairs } from './http/filter-pairs.ts'
import { lazySerializerCompiler, serializerCompiler } from './http/serializer.ts'
import { loadConfig, type Config } from './config/config.ts'
import auth from './plugins/auth.ts'
import caching from './plugins/caching.ts'
import curation from './plugins/curation.ts'
import configPlugin from './plugins/config.ts'
import database from './plugins/database.ts'
import errors, { clientErrorHandler, frameworkErrors } from './plugins/errors.ts'
import graphql from './plugins/graphql.ts'
import graphiql from './plugins/graphiql.ts'
import openapi from './plugins/openapi.ts'
import protection from './plugins/protection.ts'
import actorRoutes from './modules/actors/routes.ts'
import casualtyRoutes from './modules/casualties/routes.ts'
import curationRoutes from './modules/curation/routes.ts'
import datasetRoutes from './modules/dataset/routes.ts'
import displacementRoutes from './modules/displacement/routes.ts'
import eventRoutes from './modules/events/routes.ts'
import exportRoutes from './modules/export/routes.ts'
import timelineRoutes from './modules/timeline/routes.ts'
import healthRoutes from './modules/health/routes.ts'
import pageRoutes from './modules/pages/routes.ts'
import placeRoutes from './modules/places/routes.ts'
import searchRoutes from './modules/search/routes.ts'
import sourceRoutes from './modules/sources/routes.ts'
import statementRoutes from './modules/statements/routes.ts'
import statsRoutes from './modules/stats/routes.ts'
import releaseRoutes from './modules/releases/routes.ts'
import pinnedReleases from './modules/releases/pinned.ts'
import readOnly from './modules/releases/readonly.ts'
import changeRoutes from './modules/changes/routes.ts'
import { FrontDoor } from './http/front-door.ts'

const NO_QUERY = z.strictObject({})

/** Lets other work in between the steps of building an app, as release apps are built while serving. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

export interface BuildOptions {
  config?: Partial<Config>
  fastify?: FastifyServerOptions
}

/** Builds the application without listening: the server and the tests share this. */
export async function buildApp(options: BuildOptions = {}) {
  const config = loadConfig(process.env, options.config)
  const front = new FrontDoor()
  const app = Fastify({
    serverFactory: front.serverFactory,
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    // Longer than any id a route accepts, so the route's validation names the parameter.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors,
    clientErrorHandler,
    ...options.fastify,
  }).withTypeProvider<ZodTypeProvider>()
  // Bodies are JSON. Fastify also reads text/plain, as a string, which a route's schema then
  // refused as "expected object": a JSON body sent with the wrong type gets the 415 that names it.
  app.removeContentTypeParser('text/plain')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser)
  await app.register(configPlugin, { config })
  await breathe()
  await app.register(errors)
  await breathe()
  // CORS first: its headers go on every answer, the rate limit's 429 and the overload 503 too, so a
  // page on another origin can read their Retry-After.
  await app.register(cors, corsOptions(config))
  await breathe()
  await app.register(protection)
  await breathe()
  await app.register(database)
  await breathe()
  await app.register(caching, { front })
  await breathe()
  await app.register(auth)
  await breathe()
  await app.register(curation)
  await breathe()
  await app.register(readOnly)
  await breathe()
  await app.register(openapi)
  await breathe()
  // zod compiles the REST routes only: Mercurius validates its own routes with JSON schema.
  await app.register(async (rest) => {
    rest.setValidatorCompiler(validatorCompiler)
    // An app opened on demand compiles each serialiser on its first use rather than all at once.
    rest.setSerializerCompiler(config.warmUp ? serializerCompiler : lazySerializerCompiler)
    // One rule for query strings everywhere: a parameter a route does not define is refused.
    rest.addHook('onRoute', (route) => {
      if (route.schema && !route.schema.querystring && !route.schema.hide) route.schema.querystring = NO_QUERY
      checkFilterPairs(route)
    })
    await rest.register(healthRoutes)
    // /releases/{tag}/...: zod schemas for its documentation; it hands each request over unvalidated.
    await rest.register(pinnedReleases)
    await rest.register(async (v1) => {
      for (const routes of [eventRoutes, actorRoutes, placeRoutes, sourceRoutes, statementRoutes, casualtyRoutes, displacementRoutes, searchRoutes, datasetRoutes, exportRoutes, timelineRoutes, curationRoutes, statsRoutes, releaseRoutes, changeRoutes]) {
        await v1.register(routes)
        await breathe()
      }
    }, { prefix: '/v1' })
  })
  await app.register(graphql)
  await breathe()
  await app.register(graphiql, { graphiql: config.graphiql })
  await breathe()
  await app.register(pageRoutes)
  await breathe()
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
