import type { IResolvers, MercuriusContext } from 'mercurius'
import { RESOURCES, type ResourceSpec } from '../modules/curation/resources.ts'
import type { Role } from '../modules/keys/queries.ts'
import { CHANGE_TOPIC } from '../plugins/curation.ts'

const TYPE_NAMES: Record<string, string> = {
  source: 'Source', actor: 'Actor', place: 'Place', event: 'Event', casualty_report: 'CasualtyReport',
  displacement_count: 'DisplacementCount', statement: 'Statement',
}

function writer(ctx: MercuriusContext, role: Role) {
  const key = ctx.app.authorize(ctx.reply.request, role)
  return { keyId: key.id, keyName: key.name }
}

function mutationsOf(spec: ResourceSpec) {
  const name = TYPE_NAMES[spec.recordType]!
  const engine = (ctx: MercuriusContext) => ctx.app.writes
  return {
    [`create${name}`]: (_: unknown, a: { input: unknown }, ctx: MercuriusContext) =>
      engine(ctx).create(spec, a.input, writer(ctx, 'editor')),
    [`update${name}`]: (_: unknown, a: { id: string, patch: unknown, ifMatch?: string | null }, ctx: MercuriusContext) =>
      engine(ctx).update(spec, a.id, a.patch, a.ifMatch ?? undefined, writer(ctx, 'editor')),
    [`delete${name}`]: (_: unknown, a: { id: string, ifMatch?: string | null }, ctx: MercuriusContext) =>
      engine(ctx).remove(spec, a.id, a.ifMatch ?? undefined, writer(ctx, 'admin')),
    [`restore${name}`]: (_: unknown, a: { id: string }, ctx: MercuriusContext) =>
      engine(ctx).restore(spec, a.id, writer(ctx, 'admin')),
  }
}

/** Mutations call the same write engine as REST; the subscription relays its committed changes. */
export const mutationResolvers: IResolvers = {
  Mutation: Object.assign({}, ...RESOURCES.map(mutationsOf)),
  Subscription: {
    timelineChanged: {
      subscribe: async (_: unknown, __: unknown, ctx: MercuriusContext) => ctx.pubsub.subscribe(CHANGE_TOPIC),
    },
  },
}

/** Revisions of a batch of records of one type, for the `revisions` field of every record type. */
export function revisionLoaders() {
  return Object.fromEntries(RESOURCES.map((spec) => [TYPE_NAMES[spec.recordType]!, {
    revisions: async (queries: { obj: { id: string } }[], ctx: MercuriusContext) => {
      const ids = queries.map((q) => q.obj.id)
      const rows = ctx.app.storage.sqlite.prepare(`SELECT record_id AS recordId, id, operation, key_name AS keyName, at,
          dataset_version AS datasetVersion, before, after
        FROM revisions WHERE record_type = ? AND record_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
        .all(spec.recordType, JSON.stringify(ids)) as { recordId: string, before: string | null, after: string | null }[]
      const byId = new Map<string, unknown[]>()
      for (const r of rows) {
        const list = byId.get(r.recordId) ?? []
        list.push({ ...r, before: r.before && JSON.parse(r.before), after: r.after && JSON.parse(r.after) })
        byId.set(r.recordId, list)
      }
      return ids.map((id) => byId.get(id) ?? [])
    },
  }]))
}
