import fc from 'fast-check'
import { seedData } from '../../seed/data.ts'

export type Schema = Record<string, any>

export const IDS = {
  events: seedData.events.map((r) => r.id),
  actors: seedData.actors.map((r) => r.id),
  places: seedData.places.map((r) => r.id),
  sources: seedData.sources.map((r) => r.id),
  statements: seedData.statements.map((r) => r.id),
  'casualty-reports': seedData.casualtyReports.map((r) => r.id),
  'displacement-counts': seedData.displacementCounts.map((r) => r.id),
}
export const ALL_IDS = Object.values(IDS).flat()
const DATES = ['2023', '2023-09', '2023-09-20', '2023-09-24T18:00+04:00', '1991-01-01', '2023-10-01T09:30Z']

export const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '%', '-1', '0', '1e9', 'null', '[]', '{}', '2023-13-45', '\u0000', 'a'.repeat(300), '../../etc', "' OR 1=1 --"),
)

/** Ids a field refers to, by its name: `speakerId` is an actor, `parentId` a place, and so on. */
function idsFor(name: string): string[] | undefined {
  if (/actor|speaker|affiliation|reportedBy|relayedBy|perpetrator|victimActor/i.test(name)) return IDS.actors
  if (/place|parent|origin|destination/i.test(name)) return IDS.places
  if (/source/i.test(name)) return IDS.sources
  if (/event/i.test(name)) return IDS.events
  return undefined
}

function stringFor(s: Schema, name: string): fc.Arbitrary<string> {
  if (name === 'id') return fc.stringMatching(/^[a-z]{3,8}(-[a-z0-9]{1,4}){0,2}$/)
  const ids = idsFor(name)
  if (ids && !s.pattern) return fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 9 }, { arbitrary: fc.constant('no-such-record'), weight: 1 })
  if (s.pattern?.startsWith('^\\d{4}')) return fc.constantFrom(...DATES)
  if (name === 'url') return fc.constantFrom('https://example.org/report', 'http://example.com/a?b=c')
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? 200) && v.length >= (s.minLength ?? 0))
  return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) }).filter((v) => v.length >= (s.minLength ?? 0))
}

/** A value the schema allows, most of the time: cross-field rules (a note for an inferred date) still fail sometimes. */
export function fromSchema(s: Schema, doc: Schema, name = ''): fc.Arbitrary<unknown> {
  if (s.$ref) return fromSchema(doc.components.schemas[s.$ref.split('/').pop()], doc, name)
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x: Schema) => fromSchema(x, doc, name)))
  if (s.enum) return fc.constantFrom(...s.enum)
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t: string) => fromSchema({ ...s, type: t }, doc, name)))
  switch (s.type) {
    case 'object': {
      const props = Object.entries<Schema>(s.properties ?? {})
      const required = new Set<string>(s.required ?? [])
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fromSchema(v, doc, k)])), { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) })
    }
    case 'array': return fc.array(fromSchema(s.items ?? {}, doc, name), { maxLength: Math.min(s.maxItems ?? 3, 3) })
    case 'integer': return fc.integer({ min: Math.max(s.minimum ?? 0, s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0), max: Math.min(s.maximum ?? 100_000, 100_000) })
    case 'number': return fc.double({ min: Math.max(s.minimum ?? -90, -90), max: Math.min(s.maximum ?? 90, 90), noNaN: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'string': return stringFor(s, name)
    default: return fc.anything()
  }
}

/** A body a client might send by mistake: the wrong type in one field, an unknown field, or no object at all. */
export function brokenBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ kind: string, body: unknown }> {
  const asObject = valid.map((v) => (v && typeof v === 'object' ? v as Record<string, unknown> : {}))
  return fc.oneof(
    fc.tuple(asObject, fc.constantFrom(12, true, [1], { a: 1 }, 'x'.repeat(6000))).map(([v, bad]) => {
      const key = Object.keys(v)[0] ?? 'title'
      return { kind: 'wrong type in body', body: { ...v, [key]: bad } }
    }),
    asObject.map((v) => ({ kind: 'unknown field in body', body: { ...v, colour: 'red' } })),
    fc.constantFrom([], 'text', 42, null).map((body) => ({ kind: 'body not an object', body })),
  )
}
