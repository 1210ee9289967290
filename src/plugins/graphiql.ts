import { createReadStream, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import fp from 'fastify-plugin'
import { SCHEMA_PATH } from '../graphql/schema.ts'

const require = createRequire(import.meta.url)
const pkg = (name: string) => dirname(require.resolve(`${name}/package.json`))
const PUBLIC = new URL('../../public/graphiql/', import.meta.url).pathname

/** Every file the page loads, from installed packages and this repository, by the name it asks for. */
const ASSETS: Record<string, { path: string, type: string }> = {
  'react.production.min.js': { path: join(pkg('react'), 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { path: join(pkg('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.min.js': { path: join(pkg('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { path: join(pkg('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'app.js': { path: join(PUBLIC, 'app.js'), type: 'text/javascript' },
  'page.css': { path: join(PUBLIC, 'page.css'), type: 'text/css' },
}

/**
 * GraphiQL served whole from this server (Mercurius's own page pulls React and GraphiQL from a
 * CDN), and the GraphQL schema as SDL for client generators.
 */
export default fp<{ graphiql: boolean }>(async (app, options) => {
  const sdl = readFileSync(SCHEMA_PATH, 'utf8')
  app.get('/schema.graphql', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=60').send(sdl))

  if (!options.graphiql) return
  const page = readFileSync(join(PUBLIC, 'index.html'), 'utf8')
  app.get('/graphiql', { schema: { hide: true } }, async (_request, reply) => reply.asDocument().type('text/html; charset=utf-8').send(page))
  app.get<{ Params: { name: string } }>('/graphiql/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = ASSETS[request.params.name]
    if (!asset) return reply.callNotFound()
    // Versioned by the installed packages; a day's caching keeps reloads cheap.
    return reply.type(`${asset.type}; charset=utf-8`).header('cache-control', 'public, max-age=86400').send(createReadStream(asset.path))
  })
}, { name: 'graphiql' })
