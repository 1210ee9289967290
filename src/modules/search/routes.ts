import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { z } from 'zod'
import type { CsvColumn } from '../../http/csv.ts'
import { sendCsv, wantsCsv } from '../../http/reply.ts'
import { LIMIT_MAX, ListQueryBase, problemResponses } from '../../http/schemas.ts'
import { searchOffLoop } from '../events/queries.ts'
import { COMMON_WORD_MATCHES, search } from './queries.ts'

export const SearchHit = z.object({
  recordType: z.enum(['event', 'statement']),
  recordId: z.string(),
  title: z.string(),
  snippet: z.string().describe('matching text with hits in [brackets]'),
  rank: z.number(),
}).meta({ id: 'SearchHit' })

type Hit = z.infer<typeof SearchHit>
const HIT_CSV: CsvColumn<Hit>[] = [
  ['record_type', (h) => h.recordType], ['record_id', (h) => h.recordId], ['title', (h) => h.title], ['snippet', (h) => h.snippet], ['rank', (h) => h.rank],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/search', {
    schema: {
      tags: ['search'], operationId: 'search', description: 'Every word must match, as a prefix; hits are ranked by bm25 (among the 2,000 most recently indexed matches when there are more) and the snippet marks matches in [brackets]. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'Full-text search over events and statements',
      querystring: z.strictObject({
        q: z.string().min(1).max(200).describe('words to find; every word must match, as a prefix'),
        limit: z.coerce.number().int().min(1).max(LIMIT_MAX).default(20),
        format: ListQueryBase.format,
      }),
      response: { 200: z.object({ data: z.array(SearchHit), meta: z.object({ datasetVersion: z.number().int(), count: z.number().int() }) }), ...problemResponses },
    },
  }, async (request, reply) => {
    const { q, limit } = request.query
    // Common words, and any word on a large index, are searched on the stats workers.
    const hits = (searchOffLoop(app.storage.sqlite, q, COMMON_WORD_MATCHES)
      ? await app.stats.run('search', { q, limit }, request.datasetVersion, clientGone(reply))
      : search(app.storage.sqlite, q, limit, false)) as Hit[]
    if (wantsCsv(request)) return sendCsv(reply, hits, HIT_CSV, 'search')
    return { data: hits as z.infer<typeof SearchHit>[], meta: { datasetVersion: request.datasetVersion, count: hits.length } }
  })
}

export default routes
