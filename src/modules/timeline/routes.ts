import type { FastifyReply, FastifyRequest } from 'fastify'
import { clientGone } from '../../http/gone.ts'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { nextUrl } from '../../http/reply.ts'
import { DateFilter, ListQueryBase, problemResponses, queryInt } from '../../http/schemas.ts'
import { EventFilterFields } from '../events/schemas.ts'
import { VIEW_MAX_EVENTS, VIEW_PAGE_EVENTS } from './queries.ts'
import { EventFeature, TimelineJs } from './schemas.ts'

const ViewQuery = z.strictObject({
  ...EventFilterFields,
  updatedSince: DateFilter.optional(),
  limit: queryInt(1, VIEW_MAX_EVENTS, VIEW_PAGE_EVENTS).describe(`events per page, at most ${VIEW_MAX_EVENTS}`),
  cursor: ListQueryBase.cursor,
})
const paging = `Same filters as /v1/events, one page of events in date order at a time (\`limit\`, default ${VIEW_PAGE_EVENTS}, at most ${VIEW_MAX_EVENTS}); \`Link: rel="next"\` names the next page.`

/** The next page's URL, also sent as a Link header; null on the last page. */
function linkNext(request: FastifyRequest, reply: FastifyReply, cursor: string | null): string | null {
  if (!cursor) return null
  const href = nextUrl(request, cursor)
  reply.header('link', `<${href}>; rel="next"`)
  return href
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/events.geojson', {
    schema: {
      tags: ['events', 'export'],
      operationId: 'getEventsGeoJson',
      summary: 'Events with a located place as a GeoJSON FeatureCollection, with what a map popup needs',
      description: `${paging} \`truncated\` says whether more follow, and \`links\` holds the next page as OGC API Features does.`,
      querystring: ViewQuery,
      response: { 200: z.object({
        type: z.literal('FeatureCollection'), features: z.array(EventFeature), truncated: z.boolean(),
        links: z.array(z.object({ href: z.string(), rel: z.literal('next'), type: z.literal('application/geo+json') })),
      }), ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, ...filters } = request.query
    const { features, nextCursor } = await app.stats.run('geoJsonPage', { filters, limit, cursor, linkBase: app.config.linkBase }, request.datasetVersion, clientGone(reply))
    const next = linkNext(request, reply, nextCursor)
    const links = JSON.stringify(next ? [{ href: next, rel: 'next', type: 'application/geo+json' }] : [])
    // The features as the worker wrote them, in the order of the response schema; a string is sent as it is.
    return reply.type('application/geo+json').send(`{"type":"FeatureCollection","features":${features},"truncated":${next !== null},"links":${links}}` as never)
  })

  app.get('/timeline.json', {
    schema: {
      tags: ['events', 'export'],
      operationId: 'getTimelineJs',
      summary: 'Events in the TimelineJS (Knight Lab) JSON format: paste the URL into TimelineJS',
      description: paging,
      querystring: ViewQuery,
      response: { 200: TimelineJs, ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, ...filters } = request.query
    const { json, nextCursor } = await app.stats.run('timelineJsPage', { filters, limit, cursor }, request.datasetVersion, clientGone(reply))
    linkNext(request, reply, nextCursor)
    return reply.type('application/json; charset=utf-8').send(json as never)
  })
}

export default routes
