import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DateFilter, problemResponses } from '../../http/schemas.ts'
import { EventFilterFields } from '../events/schemas.ts'
import { toGeoJson, toTimelineJs } from './formats.ts'
import { eventViews, VIEW_MAX_EVENTS } from './queries.ts'

const ViewQuery = z.strictObject({ ...EventFilterFields, updatedSince: DateFilter.optional() })

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/events.geojson', {
    schema: {
      tags: ['events', 'export'],
      operationId: 'getEventsGeoJson',
      summary: 'Events with a located place as a GeoJSON FeatureCollection, with what a map popup needs',
      description: `Same filters as /v1/events; at most ${VIEW_MAX_EVENTS} events (\`truncated\` says when there were more).`,
      querystring: ViewQuery,
      response: { 200: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.any()), truncated: z.boolean() }), ...problemResponses },
    },
  }, async (request, reply) => {
    const { views, truncated } = eventViews(app.storage.sqlite, request.query)
    reply.type('application/geo+json')
    return toGeoJson(views, truncated)
  })

  app.get('/timeline.json', {
    schema: {
      tags: ['events', 'export'],
      operationId: 'getTimelineJs',
      summary: 'Events in the TimelineJS (Knight Lab) JSON format: paste the URL into TimelineJS',
      description: `Same filters as /v1/events; at most ${VIEW_MAX_EVENTS} events.`,
      querystring: ViewQuery,
      response: { 200: z.object({ title: z.any(), events: z.array(z.any()), eras: z.array(z.any()) }), ...problemResponses },
    },
  }, async (request) => toTimelineJs(eventViews(app.storage.sqlite, request.query).views))
}

export default routes
