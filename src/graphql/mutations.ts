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
  const own = (id: string) => localId(id, spec.recordType, 'id')
  // Authorised once; the write itself may be tried again while another process holds the lock.
  const write = <T>(ctx: MercuriusContext, role: Role, op: (who: ReturnType<typeof writer>) => T) => {
    const who = writer(ctx, role)
    return ctx.app.writes.attempt(() => op(who))
  }
  return {
    [`create${name}`]: (_: unknown, a: { input: unknown }, ctx: MercuriusContext) =>
      write(ctx, 'editor', (who) => ctx.app.writes.create(spec, localInput(spec, a.input), who)),
    [`update${name}`]: (_: unknown, a: { id: string, patch: unknown, ifMatch: string }, ctx: MercuriusContext) =>
      write(ctx, 'editor', (who) => ctx.app.writes.update(spec, own(a.id), localInput(spec, a.patch), a.ifMatch, who)),
    [`delete${name}`]: (_: unknown, a: { id: string, ifMatch: string }, ctx: MercuriusContext) =>
      write(ctx, 'admin', (who) => ctx.app.writes.remove(spec, own(a.id), a.ifMatch, who)),
    [`restore${name}`]: (_: unknown, a: { id: string }, ctx: MercuriusContext) =>
      write(ctx, 'admin', (who) => ctx.app.writes.restore(spec, own(a.id), who)),
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
