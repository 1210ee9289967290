import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { z } from 'zod'
import { listSources } from '../sources/queries.ts'
import { Source } from '../sources/routes.ts'
import { listDeletions, type DeletionRow } from './queries.ts'
import { sendList } from '../../http/reply.ts'
import { DateFilter, listResponse, ListQueryBase, problemResponses } from '../../http/schemas.ts'
import type { CsvColumn } from '../../http/csv.ts'

export const DatasetInfo = z.object({
  version: z.number().int().describe('changes on every write'),
  updatedAt: z.string(),
  counts: z.record(z.string(), z.number().int()),
  licence: z.string(),
  sources: z.array(Source),
}).meta({ id: 'DatasetInfo' })

const Deletion = z.object({
  recordType: z.string(),
  recordId: z.string(),
  deletedAt: z.string(),
}).meta({ id: 'Deletion' })

const DELETION_CSV: CsvColumn<DeletionRow>[] = [['record_type', (d) => d.recordType], ['record_id', (d) => d.recordId], ['deleted_at', (d) => d.deletedAt]]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/deletions', {
    schema: {
      tags: ['dataset'], operationId: 'listDeletions', summary: 'Records deleted since a time, for keeping a copy in sync',
      description: 'Apply with the records from `updatedSince` to mirror the dataset: upsert what changed, drop what is listed here.',
      querystring: z.strictObject({ limit: ListQueryBase.limit, cursor: ListQueryBase.cursor, format: ListQueryBase.format, since: DateFilter.optional().describe('only deletions at or after this time') }),
      response: { 200: listResponse(Deletion), ...problemResponses },
    },
  }, async (request, reply) => {
    const { since, limit, cursor } = request.query
    return sendList(request, reply, { page: listDeletions(app.storage.sqlite, since, limit, cursor), limit, sort: 'deleted', csv: DELETION_CSV, filename: 'deletions' })
  })

  app.get('/dataset', {
    schema: { tags: ['dataset'], operationId: 'getDataset', description: 'What a mirror needs to know: the version that drives ETags, the last update, record counts, licence and sources.', summary: 'Dataset version, last update, record counts, licence and sources', response: { 200: z.object({ data: DatasetInfo }) } },
  }, async (request, reply) => {
    const info = await app.stats.run('datasetInfo', {}, request.datasetVersion, clientGone(reply))
    const sources = listSources(app.storage.sqlite, {}, 1000).rows
    return { data: { ...info, sources } }
  })
}

export default routes
