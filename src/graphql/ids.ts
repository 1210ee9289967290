import { InvalidParameterError } from '../errors.ts'
import { RESOURCES, RESOURCE_BY_TYPE, type ResourceSpec } from '../modules/curation/resources.ts'

/** GraphQL type names of the record types, and back. */
export const TYPE_NAMES: Record<string, string> = {
  source: 'Source', actor: 'Actor', place: 'Place', event: 'Event', casualty_report: 'CasualtyReport',
  displacement_count: 'DisplacementCount', statement: 'Statement',
}
const RECORD_TYPES = new Map(Object.entries(TYPE_NAMES).map(([k, v]) => [v, k]))

/**
 * Global ids are the type name, a colon and the record's own id ("Actor:azerbaijan"). Own ids are
 * slugs, unique per type only (Azerbaijan is an actor and a place), so the type has to be part of
 * a global id; keeping the slug readable inside it lets a person see what an id names.
 */
export const globalId = (recordType: string, id: string) => `${TYPE_NAMES[recordType]}:${id}`

/** Splits a global id; an id with no known type prefix is null. */
export function parseGlobalId(value: string): { recordType: string, id: string } | null {
  const at = value.indexOf(':')
  const recordType = at > 0 ? RECORD_TYPES.get(value.slice(0, at)) : undefined
  return recordType && at < value.length - 1 ? { recordType, id: value.slice(at + 1) } : null
}

/**
 * The record id an argument names, given as a global id or as the record's own id. A global id of
 * another type is refused rather than looked up under its slug, which could name another record.
 */
export function localId(value: string, recordType: string, argument: string): string {
  const parsed = parseGlobalId(value)
  if (!parsed) return value
  if (parsed.recordType !== recordType) {
    throw new InvalidParameterError(`${argument}: "${value}" is the id of a ${TYPE_NAMES[parsed.recordType]}, not of a ${TYPE_NAMES[recordType]}`)
  }
  return parsed.id
}

const FILTER_TYPES: Record<string, string> = { actor: 'actor', speaker: 'actor', place: 'place', event: 'event' }

/** A filter input with its record arguments turned into own ids. */
export function localFilter<T extends object>(filter: T | null | undefined): T | null | undefined {
  if (!filter) return filter
  const out = { ...filter } as Record<string, unknown>
  for (const [k, type] of Object.entries(FILTER_TYPES)) {
    if (typeof out[k] === 'string') out[k] = localId(out[k], type, `filter.${k}`)
  }
  return out as T
}

/** A write input or patch with every reference (and its own id) turned into own ids. */
export function localInput(spec: ResourceSpec, input: unknown): unknown {
  if (!input || typeof input !== 'object') return input
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) }
  const at = (field: string, type: string, v: unknown, path: string) => (typeof v === 'string' ? localId(v, type, path) : v)
  if ('id' in out) out.id = at('id', spec.recordType, out.id, 'input.id')
  for (const r of spec.refs) if (r.field in out) out[r.field] = at(r.field, r.type, out[r.field], `input.${r.field}`)
  const links = spec.links
  if (links && Array.isArray(out[links.field])) {
    out[links.field] = (out[links.field] as unknown[]).map((item, i) => {
      if (typeof item === 'string') return at(links.field, links.refs[0]!.type, item, `input.${links.field}.${i}`)
      const copy = { ...(item as Record<string, unknown>) }
      for (const r of links.refs) if (r.field in copy) copy[r.field] = at(r.field, r.type, copy[r.field], `input.${links.field}.${i}.${r.field}`)
      return copy
    })
  }
  if (Array.isArray(out.citations)) {
    out.citations = (out.citations as Record<string, unknown>[]).map((c, i) => ({ ...c, sourceId: at('sourceId', 'source', c.sourceId, `input.citations.${i}.sourceId`) }))
  }
  return out
}

export const specOf = (recordType: string) => RESOURCE_BY_TYPE.get(recordType as never)!
export { RESOURCES }
