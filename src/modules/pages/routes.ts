import type { FastifyPluginAsync } from 'fastify'
import { clientGone } from '../../http/gone.ts'
import { z } from 'zod'
import { DateFilter } from '../../http/schemas.ts'
import { lowerBound, upperBoundExclusive } from '../../domain/dates.ts'
import { EVENT_TYPES } from '../../domain/vocabulary.ts'
import { getEvent } from '../events/queries.ts'
import { FACET_FIELDS } from '../stats/facets.ts'
import { withDetails } from './data.ts'
import { renderEvent } from './render.ts'
import { renderTimeline } from './timeline.ts'
import { MAP_MAX_PLACES } from './map.ts'
import { mapScans, overviewTotal, timelineView } from './view.ts'

// Form fields arrive empty when left blank; blank means "no filter", not an error.
const blank = (v: unknown) => (v === '' ? undefined : v)
const id = z.preprocess(blank, z.string().max(200).optional())
const cursor = z.preprocess(blank, z.string().max(500).optional())
const PageQuery = z.object({
  from: z.preprocess(blank, DateFilter.optional()),
  to: z.preprocess(blank, DateFilter.optional()),
  // In either case, as on the API.
  type: z.preprocess(blank, z.string().optional()).transform((v) => v?.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.enum(EVENT_TYPES)).optional()),
  actor: id,
  place: id,
  after: cursor,
  before: cursor,
})
type PageFilters = z.infer<typeof PageQuery>

/** How many parameters the page does not take are named in its notice (a hostile query may hold a thousand). */
const UNKNOWN_NAMED = 5

/**
 * The page's query read one field at a time: a field that does not parse is left out and named,
 * and the others still apply (a bad date beside a type keeps the type). So is a parameter the page
 * does not filter by (`q`, `role`, the figure ranges: the API's lists take them), which would
 * otherwise leave the whole timeline on screen as if it had applied, and a range whose `from` is
 * after its `to`, which would select nothing.
 */
function readPageQuery(query: unknown): { data: PageFilters, problems: string[] } {
  const given = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>
  const data: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [field, schema] of Object.entries(PageQuery.shape)) {
    const read = (schema as z.ZodType).safeParse(given[field])
    if (read.success) { if (read.data !== undefined) data[field] = read.data } else problems.push(...read.error.issues.map((i) => `${field}: ${i.message}`))
  }
  const { from, to } = data as PageFilters
  if (from && to && lowerBound(from) >= upperBoundExclusive(to)) {
    delete data.from
    delete data.to
    problems.push(`from (${from}) is after to (${to}), so neither applies`)
  }
  const unknown = Object.keys(given).filter((k) => !Object.hasOwn(PageQuery.shape, k))
  if (unknown.length) {
    const named = unknown.slice(0, UNKNOWN_NAMED).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k)).join(', ')
    const more = unknown.length > UNKNOWN_NAMED ? ` and ${unknown.length - UNKNOWN_NAMED} more` : ''
    problems.push(`${named}${more}: the page does not filter by ${unknown.length === 1 ? 'this' : 'these'} (it takes from, to, type, actor and place; /v1/events takes every filter)`)
  }
  return { data: data as PageFilters, problems }
}

/** Server-rendered pages for people: the overview and list at / and one page per event. */
const routes: FastifyPluginAsync = async (app) => {
  // A release's app answers under /releases/{tag}, and its pages link there so that readers stay on
  // that release. Only the markup writes `href="/` or `action="/`: text in it has its quotes escaped.
  const base = app.config.linkBase
  const based = (html: string) => (base ? html.replace(/ (href|action)="\//g, ` $1="${base}/`) : html)

  // Draw the page once before serving: the first reader then finds the file's pages it reads in the
  // system's cache and the drawing code compiled, instead of paying for them (half a second at a
  // million events). The reads are the workers' at run time; here they run on the loop's connection.
  app.addHook('onReady', async () => {
    if (!app.config.warmUp) return
    try {
      renderTimeline(timelineView(app.storage.sqlite, {}, {}))
    } catch (err) {
      app.log.warn({ err }, 'the page at / could not be drawn at start-up')
    }
  })

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const parsed = readPageQuery(request.query)
    const { after, before, ...filters } = parsed.data
    const error = parsed.problems.length === 0 ? undefined
      : `Some filters were not understood and were ignored (the others apply): ${parsed.problems.join('; ')}.`
    // A cursor that is not ours is a 400 problem from the error handler, like on the API.
    // The overview and the facets group the filtered events: they run on the stats workers.
    const [overview, facets] = await Promise.all([
      app.stats.run('pageOverview', { filters }, request.datasetVersion, clientGone(reply)),
      app.stats.run('eventFacets', { filters, fields: [...FACET_FIELDS] }, request.datasetVersion, clientGone(reply)),
    ])
    // So does the map, when it counts the view's events by place, and then the list and the rest.
    const placeCounts = mapScans(filters, overviewTotal(overview))
      ? await app.stats.run('placeCounts', { filters, limit: MAP_MAX_PLACES }, request.datasetVersion, clientGone(reply))
      : undefined
    const view = await app.stats.run('pageView', { filters, cursor: { after, before }, overview, facets, placeCounts }, request.datasetVersion, clientGone(reply))
    const page = based(renderTimeline(view, error))
    return reply.asDocument().code(error ? 400 : 200).type('text/html; charset=utf-8').send(page)
  })

  app.get<{ Params: { id: string } }>('/events/:id', { schema: { hide: true } }, async (request, reply) => {
    const event = getEvent(app.storage.sqlite, request.params.id)
    if (!event) {
      return reply.asDocument().code(404).type('text/html; charset=utf-8')
        .send(based(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No such event</title></head><body><main><h1>No such event</h1><p><a href="/">Back to the timeline</a></p></main></body></html>`))
    }
    return reply.asDocument().type('text/html; charset=utf-8').send(based(renderEvent(withDetails(app.storage.sqlite, [event])[0]!)))
  })
}

export default routes
