import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { Problem, problemResponses } from '../../http/schemas.ts'
import { NotFoundError, ReadOnlyError, ReleaseBusyError } from '../../errors.ts'
import { DATABASE_FILE, readRelease, releaseDir, Tag, TAG_PATTERN } from './store.ts'
import { IMMUTABLE } from './routes.ts'
import type { Config } from '../../config/config.ts'

/** An app serving one database file read-only, with the requests it is answering counted. */
export interface Served { app: FastifyInstance, tag: string, active: number, retired: boolean }

/**
 * Builds the whole API over one release file, read-only. `warmUp: false` (an app opened while
 * serving) leaves the page at / undrawn and compiles each response serialiser on its first use;
 * `linkBase` is the path the app answers under, which the links it writes start with.
 */
export async function serveFile(config: Config, path: string, tag: string, cacheControl: string, warmUp = true, linkBase = ''): Promise<Served> {
  // Imported here: app.ts imports this module, and a release app is an app like any other.
  const { buildApp } = await import('../../app.ts')
  const app = await buildApp({
    config: { ...config, databasePath: path, readOnly: true, seedOnStart: false, cacheControl, rateLimitMax: 0, maxEventLoopDelayMs: 0, warmUp, linkBase },
    // Ajv checks each JSON schema against its meta-schema, compiling that first (30-40 ms in the
    // one synchronous pass that makes the app ready); these are the schemas the live app checked.
    fastify: { ajv: { customOptions: { validateSchema: false } } },
  })
  await app.ready()
  return { app: app as unknown as FastifyInstance, tag, active: 0, retired: false }
}

/**
 * Hands a raw request to a served app and counts it until its response closes, so that an app
 * retired meanwhile (a replica swapping releases, an evicted pinned release) closes only once its
 * last in-flight request is answered.
 */
export function dispatch(served: Served, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
  served.active++
  res.once('close', () => {
    served.active--
    if (served.retired && served.active === 0) void served.app.close()
  })
  served.app.routing(req, res)
}

export function retire(served: Served) {
  served.retired = true
  if (served.active === 0) void served.app.close()
}

const MAX_OPEN = 3
/**
 * Opening a release builds a whole app on the event loop: a few hundred milliseconds of work in
 * steps of under 100 ms, which still costs every other request its share of the loop, so a client
 * cycling through tags could slow the server again and again: at most one release is opened per
 * interval, and a request for another one meanwhile is asked to retry.
 */
const OPEN_INTERVAL_MS = 10_000

/**
 * `/releases/{tag}/...` answers any read route from that release's database file: the REST API
 * under `/releases/{tag}/v1/...`, GraphQL at `/releases/{tag}/graphql`. The route is separate
 * from the live API, so the live path does no extra work for it. A few release apps stay open
 * (least recently used closed first).
 */
export default async function pinnedReleases(app: FastifyInstance) {
  if (app.config.readOnly) return
  const open = new Map<string, Promise<Served>>()
  let lastOpened = Number.NEGATIVE_INFINITY
  const acquire = (tag: string): Promise<Served> => {
    const known = open.get(tag)
    if (known) { open.delete(tag); open.set(tag, known); return known }
    const wait = lastOpened + OPEN_INTERVAL_MS - Date.now()
    if (wait > 0) throw Object.assign(new ReleaseBusyError(`another release was opened just now; release ${tag} can be opened in ${Math.ceil(wait / 1000)} s`), { retryAfter: Math.ceil(wait / 1000) })
    lastOpened = Date.now()
    const made = serveFile(app.config, `${releaseDir(app.config.releasesPath, tag)}/${DATABASE_FILE}`, tag, IMMUTABLE, false, `/releases/${tag}`)
    made.catch(() => open.delete(tag))
    open.set(tag, made)
    while (open.size > MAX_OPEN) {
      const [oldest, served] = open.entries().next().value!
      open.delete(oldest)
      void served.then(retire, () => {})
    }
    return made
  }
  app.addHook('onClose', async () => {
    for (const served of open.values()) void served.then(retire, () => {})
    open.clear()
  })

  // Hands over in onRequest, before the body is read, so the release app parses it itself.
  const handOver = async (request: FastifyRequest, reply: FastifyReply) => {
    const { tag, '*': rest } = request.params as { tag: string, '*': string }
    if (!TAG_PATTERN.test(tag) || !readRelease(app.config.releasesPath, tag)) throw new NotFoundError('release', tag)
    if (request.method !== 'GET' && request.method !== 'HEAD' && !(request.method === 'POST' && rest === 'graphql')) throw new ReadOnlyError(`release ${tag} never changes; send writes to the live API`)
    // A "?" decoded out of the path (%3F) starts no query: it was cut off and the filters lost, so
    // the release answered unfiltered. The live API has no route for such a path; neither has this.
    if (rest.includes('?')) {
      throw Object.assign(new Error(`no route for ${request.method} /${rest} in release ${tag}: a query goes after the path, its "?" not percent-encoded`), { statusCode: 404, code: 'ROUTE_NOT_FOUND' })
    }
    // A release never changes, so its app takes no subscription: a WebSocket upgrade is refused
    // here, without opening the release for it or handing an upgrade to another app.
    if (request.headers.upgrade !== undefined) {
      throw Object.assign(new Error(`release ${tag} never changes, so it takes no subscription; subscribe at /graphql on the live API`), { statusCode: 400, code: 'BAD_REQUEST' })
    }
    const served = await acquire(tag)
    const query = request.raw.url!.indexOf('?')
    request.raw.url = `/${rest}${query >= 0 ? request.raw.url!.slice(query) : ''}`
    reply.hijack()
    dispatch(served, request.raw, reply.raw)
  }
  // GET (and with it HEAD) is documented: one operation standing for every read route. The release
  // app validates the path and query it is handed, so nothing is validated here.
  app.get('/releases/:tag/*', {
    schema: {
      tags: ['releases'], operationId: 'readFromRelease',
      summary: 'Any read route of the API, answered from a release\'s frozen database',
      description: 'Prefix a read route\'s path and query with `/releases/{tag}`: `/releases/2026.1/v1/events?type=offensive` '
        + 'answers as `/v1/events?type=offensive` did when the release was made, with links that stay under the prefix. '
        + 'GraphQL is `POST /releases/{tag}/graphql`; writes are refused with 405. A release not opened recently may answer 503 '
        + 'with `Retry-After` while another one is being opened. See docs/releases.md.',
      params: z.strictObject({ tag: Tag, '*': z.string().describe('the path of a read route, such as `v1/events` or `v1/actors/azerbaijani-armed-forces`') }),
      // Any query: the release app's route checks it (set here so the no-query rule does not apply).
      querystring: z.object({}),
      response: {
        200: z.unknown().describe('the answer of the route named by the path, as the live API gives it'),
        ...problemResponses,
        503: Problem.describe('another release is being opened; Retry-After says when to come back'),
      },
    },
    onRequest: handOver,
  }, async () => undefined)
  // Every write method is routed, so each gets the release's own refusal (405 READ_ONLY).
  app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: '/releases/:tag/*', schema: { hide: true }, onRequest: handOver, handler: async () => undefined })
}
