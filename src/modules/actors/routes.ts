import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import type { CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, ListQueryBase, problemResponses } from '../../http/schemas.ts'
import { eventCsvColumns } from '../events/csv.ts'
import { listEvents } from '../events/queries.ts'
import { EventFilterFields, EventSummary } from '../events/schemas.ts'
import { EVENT_SORTS } from '../events/queries.ts'
import { getActor, listActors, type ActorRow } from './queries.ts'
import { Actor, ActorListQuery } from './schemas.ts'

const ACTOR_CSV: CsvColumn<ActorRow>[] = [
  ['id', (a) => a.id], ['name', (a) => a.name], ['aliases', (a) => a.aliases], ['kind', (a) => a.kind],
  ['affiliation_id', (a) => a.affiliationId], ['description', (a) => a.description], ['updated_at', (a) => a.updatedAt],
]

const { actor: _actor, ...eventFiltersWithoutActor } = EventFilterFields
const ActorEventsQuery = z.strictObject({ ...ListQueryBase, ...eventFiltersWithoutActor, sort: z.enum(EVENT_SORTS).default('date') })

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/actors', {
    schema: { tags: ['actors'], operationId: 'listActors', description: 'Actors by name, filtered by kind, affiliation or words in the name. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'List actors', querystring: ActorListQuery, response: { 200: listResponse(Actor), ...problemResponses } },
  }, async (request, reply) => {
    const { limit, cursor, format: _f, ...filters } = request.query
    return sendList(request, reply, { page: listActors(app.storage.sqlite, filters, limit, cursor), limit, sort: 'name', csv: ACTOR_CSV, filename: 'actors' })
  })

  app.get('/actors/:id', {
    schema: { tags: ['actors'], operationId: 'getActor', description: 'One actor with its aliases, kind and affiliation.', summary: 'One actor', params: IdParams, response: { 200: itemResponse(Actor), ...problemResponses } },
  }, async (request) => {
    const actor = getActor(app.storage.sqlite, request.params.id)
    if (!actor) throw new NotFoundError('actor', request.params.id)
    return { data: actor, meta: { datasetVersion: request.datasetVersion } }
  })

  app.get('/actors/:id/events', {
    schema: {
      tags: ['actors', 'events'], operationId: 'listActorEvents', description: 'The events an actor takes part in, in any role unless `role` narrows it. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'Events an actor takes part in, with the same filters as /v1/events',
      params: IdParams, querystring: ActorEventsQuery, response: { 200: listResponse(EventSummary), ...problemResponses },
    },
  }, async (request, reply) => {
    if (!getActor(app.storage.sqlite, request.params.id)) throw new NotFoundError('actor', request.params.id)
    const { limit, cursor, sort, format: _f, ...filters } = request.query
    const page = listEvents(app.storage.sqlite, { ...filters, actor: request.params.id }, sort, limit, cursor)
    return sendList(request, reply, { page, limit, sort, csv: (rows) => eventCsvColumns(app.storage.sqlite, rows), filename: `events-${request.params.id}` })
  })
}

export default routes
