import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { sendList } from '../../http/reply.ts'
import { listResponse, ListQueryBase, problemResponses, queryInt } from '../../http/schemas.ts'
import type { CsvColumn } from '../../http/csv.ts'
import { listChanges, type Change } from './queries.ts'

const ChangeItem = z.object({
  version: z.number().int().describe('the dataset version of the record\'s last write'),
  operation: z.enum(['upsert', 'delete']),
  recordType: z.string(),
  recordId: z.string(),
  data: z.record(z.string(), z.unknown()).nullable().describe('the record in the shape of a write body, with its links and citations; null for a deletion'),
}).meta({ id: 'Change' })

const CSV: CsvColumn<Change>[] = [['version', (c) => c.version], ['operation', (c) => c.operation], ['record_type', (c) => c.recordType], ['record_id', (c) => c.recordId]]

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/changes', {
    schema: {
      tags: ['dataset'],
      operationId: 'listChanges',
      summary: 'Records written or deleted after a dataset version, in version order',
      description: 'Each record appears once, at the version of its last write. Start from a release or an export of version N, '
        + 'apply `since=N` page by page (upsert by id, drop deletions), then continue from the highest `version` seen. No clock is involved.',
      querystring: z.strictObject({
        since: queryInt(0, Number.MAX_SAFE_INTEGER, 0).describe('a dataset version; changes after it are listed'),
        limit: ListQueryBase.limit,
        cursor: ListQueryBase.cursor,
        format: ListQueryBase.format,
      }),
      response: { 200: listResponse(ChangeItem), ...problemResponses },
    },
  }, async (request, reply) => {
    const { since, limit, cursor } = request.query
    return sendList(request, reply, { page: listChanges(app.storage.sqlite, app.writes, since, limit, cursor), limit, sort: 'version', csv: CSV, filename: 'changes' })
  })
}

export default routes
