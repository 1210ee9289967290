import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { SOURCE_KINDS } from '../../domain/vocabulary.ts'
import { NotFoundError } from '../../errors.ts'
import type { CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, ListQueryBase, problemResponses, Stamps } from '../../http/schemas.ts'
import { getSource, listSources, type SourceRow } from './queries.ts'

export const Source = z.object({
  id: z.string(),
  publisher: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  publishedDate: z.string(),
  kind: z.enum(SOURCE_KINDS),
  language: z.string(),
  note: z.string().nullable(),
  ...Stamps,
}).meta({ id: 'Source' })

const SOURCE_CSV: CsvColumn<SourceRow>[] = [
  ['id', (s) => s.id], ['publisher', (s) => s.publisher], ['title', (s) => s.title], ['url', (s) => s.url],
  ['published_date', (s) => s.publishedDate], ['kind', (s) => s.kind], ['language', (s) => s.language], ['note', (s) => s.note],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/sources', {
    schema: { tags: ['sources'], operationId: 'listSources', description: 'Every publication a fact is cited from. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'List sources', querystring: z.strictObject(ListQueryBase), response: { 200: listResponse(Source), ...problemResponses } },
  }, async (request, reply) => {
    const { limit, cursor, updatedSince } = request.query
    return sendList(request, reply, { page: listSources(app.storage.sqlite, { updatedSince }, limit, cursor), limit, sort: 'id', csv: SOURCE_CSV, filename: 'sources' })
  })

  app.get('/sources/:id', {
    schema: { tags: ['sources'], operationId: 'getSource', description: 'One source: publisher, title, URL, date, kind and language.', summary: 'One source', params: IdParams, response: { 200: itemResponse(Source), ...problemResponses } },
  }, async (request) => {
    const source = getSource(app.storage.sqlite, request.params.id)
    if (!source) throw new NotFoundError('source', request.params.id)
    return { data: source, meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
