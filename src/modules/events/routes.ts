import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { NotFoundError } from '../../errors.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, problemResponses } from '../../http/schemas.ts'
import { presentEventDetail } from './present.ts'
import { getEvent, listEvents } from './queries.ts'
import { listExtras } from './extras.ts'
import { EventDetail, EventListQuery, EventListResponse } from './schemas.ts'
import { eventCsvColumns } from './csv.ts'

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/events', {
    schema: {
      tags: ['events'],
      operationId: 'listEvents',
      summary: 'List events',
      description: 'Events of the timeline, filtered and sorted, one keyset page at a time. `?format=csv` or `Accept: text/csv` returns CSV.',
      querystring: EventListQuery,
      response: { 200: EventListResponse, ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, sort, format: _format, facets, count, ...filters } = request.query
    const page = listEvents(app.storage.sqlite, filters, sort, limit, cursor)
    const body = sendList(request, reply, { page, limit, sort, csv: (rows) => eventCsvColumns(app.storage.sqlite, rows), filename: 'events' })
    if (!('data' in body) || (!facets && !count)) return body
    return { ...body, meta: { ...body.meta, ...await listExtras(app.stats, request.datasetVersion, request.url, filters, facets, count) } }
  })

  app.get('/events/:id', {
    schema: {
      tags: ['events'],
      operationId: 'getEvent', description: 'The event with its place, its actors and their roles, casualty reports, displacement counts, statements and citations.',
      summary: 'One event with its actors, place, figures, statements and citations',
      params: IdParams,
      response: { 200: itemResponse(EventDetail), ...problemResponses },
    },
  }, async (request) => {
    const event = getEvent(app.storage.sqlite, request.params.id)
    if (!event) throw new NotFoundError('event', request.params.id)
    return { data: presentEventDetail(app.storage.sqlite, event), meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
