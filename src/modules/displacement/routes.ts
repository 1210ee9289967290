import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { NotFoundError } from '../../errors.ts'
import { citationCell, type CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, problemResponses } from '../../http/schemas.ts'
import { presentDisplacement } from './present.ts'
import { getDisplacement, listDisplacement } from './queries.ts'
import { DisplacementCount, DisplacementListQuery } from './schemas.ts'

type Presented = ReturnType<typeof presentDisplacement>[number]
const DISPLACEMENT_CSV: CsvColumn<Presented>[] = [
  ['id', (d) => d.id], ['event_id', (d) => d.eventId], ['metric', (d) => d.metric], ['low', (d) => d.low], ['high', (d) => d.high],
  ['best', (d) => d.best], ['qualifier', (d) => d.qualifier], ['reported_phrase', (d) => d.reportedPhrase],
  ['origin', (d) => d.origin?.name], ['destination', (d) => d.destination?.name], ['as_of', (d) => d.asOf],
  ['as_of_precision', (d) => d.asOfPrecision], ['as_of_basis', (d) => d.asOfBasis], ['as_of_note', (d) => d.asOfNote],
  ['reported_by', (d) => d.reportedBy?.name], ['relayed_by', (d) => d.relayedBy?.name], ['note', (d) => d.note],
  ['sources', (d) => citationCell(d.citations)],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/displacement-counts', {
    schema: {
      tags: ['displacement'], operationId: 'listDisplacementCounts', description: 'Counts with their bounds, date, origin and destination, who reported them and who relayed them. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'Refugee and displacement counts as a time series, with who reported them and through whom',
      querystring: DisplacementListQuery, response: { 200: listResponse(DisplacementCount), ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, format: _f, ...filters } = request.query
    const page = listDisplacement(app.storage.sqlite, filters, limit, cursor)
    const rows = presentDisplacement(app.storage.sqlite, page.rows)
    return sendList(request, reply, { page: { rows, nextCursor: page.nextCursor }, limit, sort: 'asOf', csv: DISPLACEMENT_CSV, filename: 'displacement-counts' })
  })

  app.get('/displacement-counts/:id', {
    schema: { tags: ['displacement'], operationId: 'getDisplacementCount', description: 'One displacement count with its bounds, wording, reporter and citations.', summary: 'One displacement count', params: IdParams, response: { 200: itemResponse(DisplacementCount), ...problemResponses } },
  }, async (request) => {
    const row = getDisplacement(app.storage.sqlite, request.params.id)
    if (!row) throw new NotFoundError('displacement count', request.params.id)
    return { data: presentDisplacement(app.storage.sqlite, [row])[0]!, meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
