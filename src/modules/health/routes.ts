import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { pendingMigrations } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { NotReadyError } from '../../errors.ts'
import { Problem } from '../../http/schemas.ts'

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: { tags: ['operations'], operationId: 'getHealth', description: 'Answers as long as the process runs; not rate limited.', summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/ready', {
    schema: {
      tags: ['operations'], operationId: 'getReadiness', description: 'A 503 while the database is closed or a migration is pending; not rate limited.', summary: 'The database is open and every migration applied',
      response: { 200: z.object({ status: z.literal('ready'), migrationsPending: z.number().int() }), 503: Problem },
    },
  }, async () => {
    let pending: number
    try {
      prepared(app.storage.sqlite, 'SELECT 1').get()
      pending = pendingMigrations(app.storage.sqlite)
    } catch {
      throw new NotReadyError('database is not open')
    }
    if (pending > 0) throw new NotReadyError(`${pending} migration(s) not applied`)
    return { status: 'ready' as const, migrationsPending: 0 }
  })
}

export default routes
