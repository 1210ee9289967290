import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { NotFoundError } from '../../errors.ts'
import { citationCell, type CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, problemResponses } from '../../http/schemas.ts'
import { presentStatements } from './present.ts'
import { getStatement, listStatements, type StatementRow } from './queries.ts'
import { searchOffLoop } from '../events/queries.ts'
import { COMMON_WORD_MATCHES } from '../search/queries.ts'
import { StatementListQuery, StatementSummary } from './schemas.ts'

type Presented = ReturnType<typeof presentStatements>[number]
const STATEMENT_CSV: CsvColumn<Presented>[] = [
  ['id', (s) => s.id], ['speaker_id', (s) => s.speaker.id], ['speaker', (s) => s.speaker.name], ['said_at', (s) => s.saidAt],
  ['date_precision', (s) => s.datePrecision], ['date_basis', (s) => s.dateBasis], ['date_note', (s) => s.dateNote],
  ['medium', (s) => s.medium], ['quote', (s) => s.quote], ['summary', (s) => s.summary], ['event_ids', (s) => s.eventIds],
  ['sources', (s) => citationCell(s.citations)],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  const presented = (page: { rows: StatementRow[], nextCursor: string | null }) => ({ rows: presentStatements(app.storage.sqlite, page.rows), nextCursor: page.nextCursor })
  app.get('/statements', {
    schema: {
      tags: ['statements'], operationId: 'listStatements', description: 'Statements stay claims of their speaker, quoted or summarised, with citations. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'List statements: who said what, when, attributed', querystring: StatementListQuery,
      response: { 200: listResponse(StatementSummary), ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, format: _f, ...filters } = request.query
    // A word on a large index, or a common one, matches more statements than can be sorted on the
    // event loop; the page's citations, scattered over the file, are read there too.
    const page = filters.q !== undefined && searchOffLoop(app.storage.sqlite, filters.q, COMMON_WORD_MATCHES)
      ? await app.stats.run('statementListPage', { filters, limit, at: cursor }, request.datasetVersion, clientGone(reply))
      : presented(listStatements(app.storage.sqlite, filters, limit, cursor))
    return sendList(request, reply, { page, limit, sort: 'date', csv: STATEMENT_CSV, filename: 'statements' })
  })

  app.get('/statements/:id', {
    schema: { tags: ['statements'], operationId: 'getStatement', description: 'One statement with its speaker, the events it is about and its citations.', summary: 'One statement', params: IdParams, response: { 200: itemResponse(StatementSummary), ...problemResponses } },
  }, async (request) => {
    const row = getStatement(app.storage.sqlite, request.params.id)
    if (!row) throw new NotFoundError('statement', request.params.id)
    return { data: presentStatements(app.storage.sqlite, [row])[0]!, meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
