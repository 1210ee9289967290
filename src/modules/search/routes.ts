import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { LIMIT_MAX, problemResponses } from '../../http/schemas.ts'
import { search } from './queries.ts'

export const SearchHit = z.object({
  recordType: z.enum(['event', 'statement']),
  recordId: z.string(),
  title: z.string(),
  snippet: z.string().describe('matching text with hits in [brackets]'),
  rank: z.number(),
}).meta({ id: 'SearchHit' })

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/search', {
    schema: {
      tags: ['search'], summary: 'Full-text search over events and statements',
      querystring: z.strictObject({
        q: z.string().min(1).max(200).describe('words to find; every word must match, as a prefix'),
        limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(20),
      }),
      response: { 200: z.object({ data: z.array(SearchHit), meta: z.object({ datasetVersion: z.number().int(), count: z.number().int() }) }), ...problemResponses },
    },
  }, async (request) => {
    const hits = search(app.storage.sqlite, request.query.q, request.query.limit)
    return { data: hits as z.infer<typeof SearchHit>[], meta: { datasetVersion: request.datasetVersion, count: hits.length } }
  })
}

export default routes
