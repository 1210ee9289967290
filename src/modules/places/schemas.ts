import { z } from 'zod'
import { PLACE_KINDS } from '../../domain/vocabulary.ts'
import { ListQueryBase, queryEnum, Stamps } from '../../http/schemas.ts'

export const Place = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()).describe('other spellings and names (Yevlakh / Yevlach)'),
  kind: z.enum(PLACE_KINDS),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  countryCode: z.string().nullable().describe('ISO 3166-1 alpha-2 of the internationally recognised country'),
  parentId: z.string().nullable(),
  note: z.string().nullable().describe('where the coordinates come from'),
  ...Stamps,
}).meta({ id: 'Place' })

export const PlaceListQuery = z.strictObject({
  ...ListQueryBase,
  kind: queryEnum(PLACE_KINDS).optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code').optional(),
  q: z.string().min(1).max(200).optional().describe('part of a name or alias'),
})
