import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { z } from 'zod'
import type { CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { LIMIT_MAX, ListQueryBase, listResponse, problemResponses, queryInt } from '../../http/schemas.ts'
import { searchOffLoop } from '../events/queries.ts'
import { COMMON_WORD_MATCHES, searchPage } from './queries.ts'

export const SearchHit = z.object({
  recordType: z.enum(['event', 'statement']),
  recordId: z.string(),
  title: z.string(),
  snippet: z.string().describe('matching text with hits in [brackets]'),
  rank: z.number(),
}).meta({ id: 'SearchHit' })

type Hit = z.infer<typeof SearchHit>
const plainPage = <T>(p: { rows: T[], nextCursor: string | null }) => ({ rows: p.rows, nextCursor: p.nextCursor })
const HIT_CSV: CsvColumn<Hit>[] = [
  ['record_type', (h) => h.recordType], ['record_id', (h) => h.recordId], ['title', (h) => h.title], ['snippet', (h) => h.snippet], ['rank', (h) => h.rank],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/search', {
    schema: {
      tags: ['search'], operationId: 'search', description: 'Every word must match, as a prefix; hits are ranked by bm25 (among the 2,000 most recently indexed matches when there are more) and the snippet marks matches in [brackets]. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'Full-text search over events and statements',
      querystring: z.strictObject({
        q: z.string().min(1).max(200).describe('words to find; every word must match, as a prefix'),
        limit: queryInt(1, LIMIT_MAX, 20),
        cursor: ListQueryBase.cursor,
        format: ListQueryBase.format,
      }),
      response: { 200: listResponse(SearchHit), ...problemResponses },
    },
  }, async (request, reply) => {
    const { q, limit, cursor } = request.query
    // Common words, and any word on a large index, are searched on the stats workers.
    const page = searchOffLoop(app.storage.sqlite, q, COMMON_WORD_MATCHES)
      ? await app.stats.run('searchListPage', { q, limit, cursor }, request.datasetVersion, clientGone(reply))
      : plainPage(searchPage(app.storage.sqlite, q, limit, cursor, false))
    return sendList(request, reply, { page: page as { rows: Hit[], nextCursor: string | null }, limit, csv: HIT_CSV, filename: 'search' })
  })
}

export default routes
