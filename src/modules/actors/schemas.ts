import { z } from 'zod'
import { ACTOR_KINDS } from '../../domain/vocabulary.ts'
import { ListQueryBase, queryEnum, Stamps } from '../../http/schemas.ts'

export const Actor = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  kind: z.enum(ACTOR_KINDS),
  affiliationId: z.string().nullable().describe('the actor this one belongs to (a spokesman to a government)'),
  description: z.string().nullable(),
  ...Stamps,
}).meta({ id: 'Actor' })

export const ActorListQuery = z.strictObject({
  ...ListQueryBase,
  kind: queryEnum(ACTOR_KINDS).optional(),
  affiliation: z.string().min(1).max(200).optional().describe('actor id of the parent actor'),
  q: z.string().min(1).max(200).optional().describe('part of a name or alias'),
})
