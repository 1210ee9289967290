import type { IResolvers, MercuriusContext } from 'mercurius'
import { RESOURCES, type ResourceSpec } from '../modules/curation/resources.ts'
import type { Role } from '../modules/keys/queries.ts'
import { CHANGE_TOPIC } from '../plugins/curation.ts'
import { localId, localInput, TYPE_NAMES } from './ids.ts'

function writer(ctx: MercuriusContext, role: Role) {
  const key = ctx.app.authorize(ctx.reply.request, role)
  return { keyId: key.id, keyName: key.name }
}

/**
 * `ifMatch` is non-null in the schema, as If-Match is required on REST; an empty one still reaches
 * the engine, which refuses it as PRECONDITION_REQUIRED like a missing header.
 */
function mutationsOf(spec: ResourceSpec) {
  const name = TYPE_NAMES[spec.recordType]!
  const engine = (ctx: MercuriusContext) => ctx.app.writes
  const own = (id: string) => localId(id, spec.recordType, 'id')
  return {
    [`create${name}`]: (_: unknown, a: { input: unknown }, ctx: MercuriusContext) =>
      engine(ctx).create(spec, localInput(spec, a.input), writer(ctx, 'editor')),
    [`update${name}`]: (_: unknown, a: { id: string, patch: unknown, ifMatch: string }, ctx: MercuriusContext) =>
      engine(ctx).update(spec, own(a.id), localInput(spec, a.patch), a.ifMatch, writer(ctx, 'editor')),
    [`delete${name}`]: (_: unknown, a: { id: string, ifMatch: string }, ctx: MercuriusContext) =>
      engine(ctx).remove(spec, own(a.id), a.ifMatch, writer(ctx, 'admin')),
    [`restore${name}`]: (_: unknown, a: { id: string }, ctx: MercuriusContext) =>
      engine(ctx).restore(spec, own(a.id), writer(ctx, 'admin')),
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
