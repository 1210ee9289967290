import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { listSources } from '../sources/queries.ts'
import { Source } from '../sources/routes.ts'
import { datasetInfo } from './queries.ts'

export const DatasetInfo = z.object({
  version: z.number().int().describe('changes on every write'),
  updatedAt: z.string(),
  counts: z.record(z.string(), z.number().int()),
  licence: z.string(),
  sources: z.array(Source),
}).meta({ id: 'DatasetInfo' })

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/dataset', {
    schema: { tags: ['dataset'], summary: 'Dataset version, last update, record counts, licence and sources', response: { 200: z.object({ data: DatasetInfo }) } },
  }, async () => {
    const sources = listSources(app.storage.sqlite, {}, 1000).rows
    return { data: { ...datasetInfo(app.storage.sqlite), sources } }
  })
}

export default routes
