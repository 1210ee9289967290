import { RESOURCES, type ResourceSpec } from '../curation/resources.ts'
import type { ExportResource } from '../export/plan.ts'
import type { ExportFile } from './json-input.ts'
import type { Rejection } from './report.ts'
import type { Payload } from './store.ts'

export const SPEC_OF = new Map<ExportResource, ResourceSpec>(RESOURCES.map((r) => [r.exportResource, r]))

/** Records that point at others of their own kind, which a file may list after them. */
export const SELF_LINK: Partial<Record<ExportResource, string>> = { actors: 'affiliationId', places: 'parentId' }

/** Load order: every reference points at a resource earlier in this list (or, see SELF_LINK, the same). */
export const PRIMARY: ExportResource[] = ['sources', 'actors', 'places', 'events', 'casualtyReports', 'displacementCounts', 'statements']

/** An id the record has in another dataset (ACLED, UCDP), as an export lists it. */
export interface ExternalIdOf { system: string, externalId: string }

/**
 * A record ready to write; `order` is its place in the load order, to tell a link forward from one
 * back. `externalIds` are kept beside the record, in the importer's bookkeeping, not in its fields.
 */
export interface JsonRow { spec: ResourceSpec, row: number, id: string, payload: Payload, order: number, externalIds: ExternalIdOf[] }

/** Link records and the record each belongs to: kind, the owner's record type (citations, external ids) and id. */
export const LINK_KINDS = { eventActors: 0, statementEvents: 1, citations: 2, externalIds: 3 } as const
export type LinkKind = (typeof LINK_KINDS)[keyof typeof LINK_KINDS]
export interface LinkOwner { kind: LinkKind, ownerType: string, ownerId: string, label: string }

export const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined)
export const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0

/** Whose link a link record is, or why it cannot be anyone's. */
export function linkOwner(resource: keyof typeof LINK_KINDS, data: unknown): LinkOwner | { reason: string } {
  const d = obj(data)
  if (resource === 'externalIds') {
    if (!(d && str(d.recordType) && str(d.recordId) && str(d.system) && str(d.externalId))) return { reason: 'external_id record needs recordType, recordId, system and externalId' }
    const label = `external id ${d.system}:${d.externalId} of ${d.recordType} ${d.recordId}`
    if (!RECORD_TYPES.has(d.recordType)) return { reason: `${label}: "${d.recordType}" is no record type` }
    // The importer's own mark of a record restored from an export; the import of the file sets it again.
    if (d.system === 'json') return { reason: `${label}: the system "json" is this API's bookkeeping of imported exports, not another dataset` }
    return { kind: 3, ownerType: d.recordType, ownerId: d.recordId, label }
  }
  if (resource === 'eventActors') {
    return d && str(d.eventId) && str(d.actorId) && str(d.role) ? { kind: 0, ownerType: '', ownerId: d.eventId, label: `event_actor ${d.eventId}/${d.actorId}` }
      : { reason: 'event_actor record needs eventId, actorId and role' }
  }
  if (resource === 'statementEvents') {
    return d && str(d.statementId) && str(d.eventId) ? { kind: 1, ownerType: '', ownerId: d.statementId, label: `statement_event ${d.statementId}/${d.eventId}` }
      : { reason: 'statement_event record needs statementId and eventId' }
  }
  if (!(d && str(d.recordType) && str(d.recordId) && str(d.sourceId))) return { reason: 'citation record needs recordType, recordId and sourceId' }
  if (!CITED_TYPES.includes(d.recordType)) {
    return { reason: `citation of ${d.recordType} ${d.recordId}: ${RECORD_TYPES.has(d.recordType) ? `a ${d.recordType} record is not cited` : `"${d.recordType}" is no record type`}; citations belong to ${CITED_TYPES.join(', ')} records` }
  }
  return { kind: 2, ownerType: d.recordType, ownerId: d.recordId, label: `citation of ${d.recordType} ${d.recordId}` }
}

/** The record types a citation may belong to, and every record type. */
const CITED_TYPES: string[] = RESOURCES.filter((r) => r.cited).map((r) => r.recordType)
const RECORD_TYPES = new Set<string>(RESOURCES.map((r) => r.recordType))

export const isLink = (r: ExportResource): r is keyof typeof LINK_KINDS => r in LINK_KINDS

/**
 * The write payload of one exported record: the export's own stamps and sort keys are dropped,
 * and its link records (event actors, statement events, citations), which `take` hands over in
 * file order, are folded in, since that is how the write payloads carry them.
 */
export function payloadOf(spec: ResourceSpec, d: Record<string, unknown>, take: (kind: LinkKind, ownerType: string) => Record<string, unknown>[]): Payload {
  const payload: Payload = {}
  for (const field of Object.keys(spec.input.shape)) {
    if (field !== 'id' && field !== 'citations' && field !== spec.links?.field && field in d) payload[field] = d[field]
  }
  if (spec.exportResource === 'events') payload.actors = take(0, '').map((l) => ({ actorId: l.actorId, role: l.role }))
  if (spec.exportResource === 'statements') payload.eventIds = take(1, '').map((l) => l.eventId)
  if (spec.cited) payload.citations = take(2, spec.recordType).map((c) => ({ sourceId: c.sourceId, paragraph: c.paragraph ?? null, locator: c.locator, quote: c.quote ?? null }))
  return payload
}

/**
 * Plans a JSON document held in memory. A link record whose owner is not in the file cannot be
 * written and is reported as a row of its own. (NDJSON goes through ndjson-plan.ts instead,
 * which does the same with the records kept on disk.)
 */
export function planRows(file: ExportFile): { rows: JsonRow[], bad: Rejection[] } {
  const bad = [...file.bad]
  const links = new Map<string, { row: number, data: Record<string, unknown>, label: string }[]>()
  const primary = new Map<ExportResource, ExportFile['entries']>()
  for (const e of file.entries) {
    if (isLink(e.resource)) {
      const owner = linkOwner(e.resource, e.data)
      if ('reason' in owner) { bad.push({ row: e.row, externalId: null, reason: owner.reason }); continue }
      const key = `${owner.kind}|${owner.ownerType}|${owner.ownerId}`
      const list = links.get(key) ?? []
      list.push({ row: e.row, data: e.data as Record<string, unknown>, label: owner.label })
      links.set(key, list)
    } else {
      const list = primary.get(e.resource)
      if (list) list.push(e)
      else primary.set(e.resource, [e])
    }
  }

  const rows: JsonRow[] = []
  for (const resource of PRIMARY) {
    const spec = SPEC_OF.get(resource)!
    const seen = new Map<string, number>()
    const planned: JsonRow[] = []
    for (const e of primary.get(resource) ?? []) {
      const d = obj(e.data)
      if (!d || !str(d.id)) { bad.push({ row: e.row, externalId: null, reason: `${spec.label} record without an id` }); continue }
      const key = `${spec.recordType}:${d.id}`
      if (seen.has(d.id)) { bad.push({ row: e.row, externalId: key, reason: `${spec.label} "${d.id}" appears twice (first at row ${seen.get(d.id)})` }); continue }
      seen.set(d.id, e.row)
      const payload = payloadOf(spec, d, (kind, ownerType) => {
        const k = `${kind}|${ownerType}|${d.id}`
        const list = links.get(k) ?? []
        links.delete(k)
        return list.map((l) => l.data)
      })
      const externalIds = externalIdsOf(spec, (kind, ownerType) => {
        const k = `${kind}|${ownerType}|${d.id}`
        const list = links.get(k) ?? []
        links.delete(k)
        return list.map((l) => l.data)
      })
      planned.push({ spec, row: e.row, id: d.id, payload, order: 0, externalIds })
    }
    const field = SELF_LINK[resource]
    rows.push(...(field ? parentsFirst(planned, field) : planned))
  }
  rows.forEach((r, i) => { r.order = i })
  for (const orphans of links.values()) {
    for (const l of orphans) bad.push({ row: l.row, externalId: null, reason: `${l.label}: its record is not in the file` })
  }
  return { rows, bad }
}

/** A record's external ids, from its external_id link records (which `take` hands over). */
export function externalIdsOf(spec: ResourceSpec, take: (kind: LinkKind, ownerType: string) => Record<string, unknown>[]): ExternalIdOf[] {
  return take(3, spec.recordType).map((l) => ({ system: l.system as string, externalId: l.externalId as string }))
}

/** Orders records so that the one a record points at comes first; a cycle is left for applyRows to patch. */
function parentsFirst(rows: JsonRow[], field: string): JsonRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const state = new Map<string, 'visiting' | 'done'>()
  const out: JsonRow[] = []
  const visit = (r: JsonRow) => {
    if (state.has(r.id)) return
    state.set(r.id, 'visiting')
    const target = r.payload[field]
    const parent = typeof target === 'string' ? byId.get(target) : undefined
    if (parent) visit(parent)
    state.set(r.id, 'done')
    out.push(r)
  }
  // Iterative over the list, recursive along one chain: chains of affiliation are short.
  for (const r of rows) visit(r)
  return out
}

/** The load order of planned rows held in memory, for applyRows. */
export function orderInMemory(rows: JsonRow[]): (spec: ResourceSpec, id: string) => number | undefined {
  const position = new Map(rows.map((r) => [`${r.spec.recordType}:${r.id}`, r.order]))
  return (spec, id) => position.get(`${spec.recordType}:${id}`)
}
