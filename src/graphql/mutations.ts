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
