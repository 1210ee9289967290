import fp from 'fastify-plugin'
import { WriteEngine, type Change } from '../modules/curation/engine.ts'
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

/** The write engine, reporting every committed change to GraphQL subscribers. */
export default fp(async (app) => {
  app.decorateRequest('apiKey', null)
  const publish = (change: Change) => {
    // GraphQL registers after this plugin; by the time anything is written it is there.
    try {
      void app.graphql?.pubsub?.publish({ topic: CHANGE_TOPIC, payload: { timelineChanged: change } })
    } catch (err) {
      app.log.error({ err }, 'could not notify subscribers of a change')
    }
  }
  app.decorate('writes', new WriteEngine(app.storage.sqlite, publish, app.config.writeLockWaitMs))
}, { name: 'curation', dependencies: ['database', 'config'] })
