import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { NotFoundError } from '../../errors.ts'
import { nextUrl, sendCsvText, sendJsonPage, sendJsonText, sendList, wantsCsv } from '../../http/reply.ts'
import { IdParams, itemResponse, problemResponses } from '../../http/schemas.ts'
import { eventDetailJson } from './document.ts'
import { COMMON_WORD_MATCHES } from '../search/queries.ts'
import { listEvents, listEventsJson, searchOffLoop } from './queries.ts'
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
    // Words can match most of the events, and every match is sorted before the first row is known:
    // pages of common words, and of any word on a large index, are read on the stats workers.
    const offload = filters.q !== undefined && searchOffLoop(app.storage.sqlite, filters.q, COMMON_WORD_MATCHES)
    const args = { filters, sort, limit, cursor }
    if (wantsCsv(request)) {
      if (!offload) return sendList(request, reply, { page: listEvents(app.storage.sqlite, filters, sort, limit, cursor), limit, sort, csv: (rows) => eventCsvColumns(app.storage.sqlite, rows), filename: 'events' })
      const { csv, nextCursor } = await app.stats.run('eventPageCsv', args, request.datasetVersion, clientGone(reply))
      if (nextCursor) reply.header('link', `<${nextUrl(request, nextCursor)}>; rel="next"`)
      return sendCsvText(reply, csv, 'events')
    }
    const page = offload ? await app.stats.run('eventPageJson', args, request.datasetVersion, clientGone(reply)) : listEventsJson(app.storage.sqlite, filters, sort, limit, cursor)
    const extras = facets || count ? await listExtras(app.stats, request.datasetVersion, clientGone(reply), { base: app.config.linkBase, url: request.url }, filters, facets, count) : undefined
    return sendJsonPage(request, reply, { page, limit, sort, meta: extras })
  })

  app.get('/events/:id', {
    schema: {
      tags: ['events'],
      operationId: 'getEvent', description: 'The event with its place, its actors and their roles, casualty reports, displacement counts, statements and citations.',
      summary: 'One event with its actors, place, figures, statements and citations',
      params: IdParams,
      response: { 200: itemResponse(EventDetail), ...problemResponses },
    },
  }, async (request, reply) => {
    const event = eventDetailJson(app.storage.sqlite, request.params.id)
    if (event === undefined) throw new NotFoundError('event', request.params.id)
    return sendJsonText(reply, `{"data":${event},"meta":{"datasetVersion":${request.datasetVersion}}}`)
  })
}

export default routes
