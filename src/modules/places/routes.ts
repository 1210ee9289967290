import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { NotFoundError } from '../../errors.ts'
import type { CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, problemResponses } from '../../http/schemas.ts'
import { getPlace, listPlaces, type PlaceRow } from './queries.ts'
import { Place, PlaceListQuery } from './schemas.ts'

const PLACE_CSV: CsvColumn<PlaceRow>[] = [
  ['id', (p) => p.id], ['name', (p) => p.name], ['aliases', (p) => p.aliases], ['kind', (p) => p.kind],
  ['latitude', (p) => p.latitude], ['longitude', (p) => p.longitude], ['country_code', (p) => p.countryCode],
  ['parent_id', (p) => p.parentId], ['note', (p) => p.note], ['updated_at', (p) => p.updatedAt],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/places', {
    schema: { tags: ['places'], operationId: 'listPlaces', description: 'Places by name, with coordinates, aliases and parent. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'List places', querystring: PlaceListQuery, response: { 200: listResponse(Place), ...problemResponses } },
  }, async (request, reply) => {
    const { limit, cursor, format: _f, ...filters } = request.query
    return sendList(request, reply, { page: listPlaces(app.storage.sqlite, filters, limit, cursor), limit, sort: 'name', csv: PLACE_CSV, filename: 'places' })
  })

  app.get('/places/:id', {
    schema: { tags: ['places'], operationId: 'getPlace', description: 'One place with its coordinates, aliases and parent.', summary: 'One place', params: IdParams, response: { 200: itemResponse(Place), ...problemResponses } },
  }, async (request) => {
    const place = getPlace(app.storage.sqlite, request.params.id)
    if (!place) throw new NotFoundError('place', request.params.id)
    return { data: place, meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
