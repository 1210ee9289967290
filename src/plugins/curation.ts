import { gt, sql } from 'drizzle-orm'
import fp from 'fastify-plugin'
import { currentVersion, readVersion } from '../db/dataset.ts'
import { revisions } from '../db/schema.ts'
import { statements } from '../db/typed.ts'
import { WriteEngine, type Change, type Operation } from '../modules/curation/engine.ts'
import type { ApiKey } from '../modules/keys/queries.ts'

declare module 'fastify' {
  interface FastifyInstance {
    writes: WriteEngine
  }
  interface FastifyRequest {
    apiKey: ApiKey | null
  }
}

export const CHANGE_TOPIC = 'TIMELINE_CHANGED'

/** How often the dataset version is looked at for writes made by other processes (imports). */
export const CHANGES_POLL_MS = 100
/** Changes read and published per look at most: subscribers of a million-row import are paced, not flooded. */
export const CHANGES_PER_POLL = 500

const latest = statements((db) => ({
  last: db.select({ id: revisions.id }).from(revisions).orderBy(sql`${revisions.id} DESC`).limit(1).prepare(),
  after: db.select({ id: revisions.id, recordType: revisions.recordType, recordId: revisions.recordId, operation: revisions.operation, datasetVersion: revisions.datasetVersion })
    .from(revisions).where(gt(revisions.id, sql.placeholder('id'))).orderBy(revisions.id).limit(CHANGES_PER_POLL).prepare(),
}))

/**
 * The write engine, and every committed change told to GraphQL subscribers. Changes are read back
 * from the revisions, in the order they committed (one writer at a time, so revision ids grow with
 * commits), whoever wrote them: this process's writes at once, and an import run in another process
 * when a look at the dataset version finds it has moved. Publishing from the engine alone left
 * subscribers deaf to imports.
 */
export default fp(async (app) => {
  app.decorateRequest('apiKey', null)
  const { sqlite } = app.storage
  let told = latest(sqlite).last.get()?.id ?? 0
  let version = currentVersion(sqlite)
  const publish = (change: Change) => {
    // GraphQL registers after this plugin; by the time anything is written it is there.
    try {
      void app.graphql?.pubsub?.publish({ topic: CHANGE_TOPIC, payload: { timelineChanged: change } })
    } catch (err) {
      app.log.error({ err }, 'could not notify subscribers of a change')
    }
  }
  /** Publishes the changes committed since the last told; true when more wait than one look takes. */
  const tell = (): boolean => {
    const rows = latest(sqlite).after.all({ id: told })
    for (const r of rows) {
      told = r.id
      publish({ recordType: r.recordType, recordId: r.recordId, operation: r.operation as Operation, datasetVersion: r.datasetVersion })
    }
    return rows.length === CHANGES_PER_POLL
  }
  let behind = false
  // The server's own work, as the document refiller's is: not counted among a request's statements.
  const quietly = <T>(run: () => T): T => {
    const counter = app.storage.statements
    const was = counter.muted
    counter.muted = true
    try { return run() } finally { counter.muted = was }
  }
  const tellNow = () => {
    try {
      behind = quietly(tell) || behind
    } catch (err) {
      app.log.error({ err }, 'could not read the changes to tell subscribers')
    }
  }
  app.decorate('writes', new WriteEngine(sqlite, tellNow, app.config.writeLockWaitMs))
  const poll = setInterval(() => {
    // Read exactly, not through the version requests share: a look every tenth of a second would
    // otherwise decide which request reads the version itself.
    const now = quietly(() => readVersion(sqlite).version)
    if (now === version && !behind) return
    version = now
    try {
      behind = quietly(tell)
    } catch (err) {
      app.log.error({ err }, 'could not read the changes to tell subscribers')
    }
  }, CHANGES_POLL_MS).unref()
  app.addHook('onClose', async () => clearInterval(poll))
}, { name: 'curation', dependencies: ['database', 'config'] })
