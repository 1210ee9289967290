import type Database from 'better-sqlite3'
import { and, eq, ne, sql } from 'drizzle-orm'
import { readVersion } from '../../db/dataset.ts'
import { externalIds } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import { WriteValidationError } from '../../errors.ts'
import { WriteEngine, type Snapshot, type Writer } from '../curation/engine.ts'
import type { ResourceSpec } from '../curation/resources.ts'
import { defaultLocator } from '../curation/schemas.ts'

export type Payload = Record<string, unknown>
export type WriteResult = 'created' | 'updated' | 'unchanged'

/** A record many rows share (an actor, a place, a source), found again by its external id. */
export interface Shared {
  spec: ResourceSpec
  externalId: string
  /** The id to use when the record has to be created; a counter is added if it is taken. */
  baseId: string
  /** The file's column the record comes from, named when the record is refused. */
  column?: string
  payload: Payload
  /**
   * Whether an existing record with the base id and the same name is taken to be this one. Sensible
   * for actors and places (one name, one thing, and for places within SAME_PLACE_KM of it); not for
   * sources, where a publisher's name says nothing about which of its articles a stored record is.
   */
  adopt: boolean
}

const p = sql.placeholder
const key = { system: p('system'), externalId: p('externalId'), recordType: p('recordType') }

// The importer's own bookkeeping: where each external id went. About a microsecond a row more than
// raw SQL, against the hundreds a write through the engine takes (docs/queries.md).
const external = statements((db) => ({
  find: db.select({ recordId: externalIds.recordId }).from(externalIds)
    .where(and(eq(externalIds.system, key.system), eq(externalIds.externalId, key.externalId), eq(externalIds.recordType, key.recordType))).prepare(),
  remember: db.insert(externalIds).values({ ...key, recordId: p('recordId') }).onConflictDoUpdate({
    target: [externalIds.system, externalIds.externalId, externalIds.recordType],
    set: { recordId: sql`excluded.record_id` },
    setWhere: ne(externalIds.recordId, sql`excluded.record_id`),
  }).prepare(),
}))

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const norm = (v: unknown) => (v === undefined ? null : v)

/**
 * All the importer's writes go through the write engine, so imported records get revisions and
 * move the dataset version like any other write. What this adds is the bookkeeping of an import:
 * the external_ids table, and comparing with the stored record so that nothing that already
 * matches is written again.
 */
export class RecordStore {
  readonly engine: WriteEngine
  private readonly statements = new Map<string, Database.Statement>()

  constructor(private readonly sqlite: Database.Database, readonly system: string, private readonly who: Writer) {
    this.engine = new WriteEngine(sqlite)
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) this.statements.set(sql, s = this.sqlite.prepare(sql))
    return s
  }

  exists(spec: ResourceSpec, id: string): boolean {
    return this.stmt(`SELECT 1 FROM ${spec.table} WHERE id = ?`).get(id) !== undefined
  }

  /** The record an external id was imported as, if it is still there. */
  mapped(spec: ResourceSpec, externalId: string): string | undefined {
    const id = external(this.sqlite).find.get({ system: this.system, externalId, recordType: spec.recordType })?.recordId
    return id !== undefined && this.exists(spec, id) ? id : undefined
  }

  /**
   * Whether the record stored under `id` came in by an import of this project's export (JSON or
   * NDJSON), under its own id: a copy of a database this dataset's files were imported into, whose
   * export does not carry where each record came from. Such a record is taken to be the row's.
   */
  restored(spec: ResourceSpec, id: string): boolean {
    return external(this.sqlite).find.get({ system: 'json', externalId: id, recordType: spec.recordType })?.recordId === id
  }

  remember(spec: ResourceSpec, externalId: string, recordId: string, system = this.system): void {
    external(this.sqlite).remember.run({ system, externalId, recordType: spec.recordType, recordId })
  }

  /** Any If-Match the engine accepts: every stored record is at or below the current version. */
  private ifMatch(): string {
    return `"v${readVersion(this.sqlite).version}"`
  }

  /**
   * Creates the record, or updates it when a stored field differs. The payload is parsed with the
   * write schema first so that it is compared in the form it would be stored in (trimmed text,
   * for one); comparing raw input would see a difference on every run and never be unchanged.
   */
  upsert(spec: ResourceSpec, id: string, payload: Payload): WriteResult {
    const parsed = spec.input.safeParse({ ...payload, id })
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ parameter: i.path.map(String).join('.') || 'body', in: 'body', message: i.message }))
      throw new WriteValidationError(`${spec.label} "${id}": ${errors.map((e) => `${e.parameter}: ${e.message}`).join('; ')}`, errors)
    }
    const input = parsed.data as Payload
    const stored = this.engine.snapshot(spec, id)
    if (!stored) {
      this.engine.create(spec, input, this.who)
      return 'created'
    }
    if (!differs(spec, stored, input)) return 'unchanged'
    const { id: _id, ...patch } = input
    this.engine.update(spec, id, patch, this.ifMatch(), this.who)
    return 'updated'
  }

  /** Sets one field of a stored record; false when it already had that value. */
  setField(spec: ResourceSpec, id: string, field: string, value: unknown): boolean {
    const stored = this.engine.snapshot(spec, id)
    if (!stored || !differs(spec, stored, { [field]: value })) return false
    this.engine.update(spec, id, { [field]: value }, this.ifMatch(), this.who)
    return true
  }

  remove(spec: ResourceSpec, id: string): void {
    this.engine.remove(spec, id, this.ifMatch(), this.who)
  }

  /**
   * The id of a shared record, creating it the first time. Shared records are never updated from
   * the rows that name them: a curator may have edited an actor or a place since, and a row says
   * no more about it than its name.
   */
  ensure(s: Shared): { id: string, created: boolean } {
    const known = this.mapped(s.spec, s.externalId)
    if (known) return { id: known, created: false }
    const nameColumn = snake(s.spec.nameField)
    let id = s.baseId
    // Coordinates, where the record has them (places), tell two places of one name apart.
    const located = s.spec.table === 'places'
    for (let n = 2; ; n++) {
      const stored = this.stmt(`SELECT ${nameColumn} AS name${located ? ', latitude, longitude' : ''} FROM ${s.spec.table} WHERE id = ?`).get(id) as Located & { name: string } | undefined
      if (stored === undefined) break
      if ((s.adopt || this.restored(s.spec, id)) && sameName(stored.name, s.payload[s.spec.nameField]) && (!located || near(stored, s.payload as Located))) {
        this.remember(s.spec, s.externalId, id)
        return { id, created: false }
      }
      id = `${s.baseId.slice(0, 110)}-${n}`
    }
    try {
      this.engine.create(s.spec, { ...s.payload, id }, this.who)
    } catch (err) {
      // Named as the row's own fields are: which record, and from which column.
      if (err instanceof WriteValidationError) {
        const what = `${s.spec.label} "${String(s.payload[s.spec.nameField] ?? s.externalId)}"${s.column ? ` (column ${s.column})` : ''}`
        throw new WriteValidationError(`${what}: ${err.message.replace(/^invalid body: /, '')}`, err.errors)
      }
      throw err
    }
    this.remember(s.spec, s.externalId, id)
    return { id, created: true }
  }
}

type Located = { latitude?: unknown, longitude?: unknown }

/**
 * Places of one name further apart than this are two places: ACLED and UCDP name villages, and a
 * country can hold several Kends, in neighbouring provinces too. Sources placing one town differ by
 * a few kilometres at most (a centroid, a town hall), so a town named again is still one place.
 */
export const SAME_PLACE_KM = 10

/** Whether two places are within SAME_PLACE_KM of each other; true when either has no coordinates. */
function near(a: Located, b: Located): boolean {
  const [lat1, lon1, lat2, lon2] = [a.latitude, a.longitude, b.latitude, b.longitude]
  if (typeof lat1 !== 'number' || typeof lon1 !== 'number' || typeof lat2 !== 'number' || typeof lon2 !== 'number') return true
  const rad = Math.PI / 180
  const h = Math.sin((lat2 - lat1) * rad / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin((lon2 - lon1) * rad / 2) ** 2
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h))) <= SAME_PLACE_KM
}

function sameName(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** True when writing `input` would change the stored record; only fields the input names count. */
export function differs(spec: ResourceSpec, stored: Snapshot, input: Payload): boolean {
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id') continue
    let a: unknown = stored[key], b: unknown = value
    if (key === 'citations') { a = citationKey(a); b = citationKey(b) }
    else if (spec.links && key === spec.links.field) { a = linkKey(a); b = linkKey(b) }
    else { a = JSON.stringify(norm(a)); b = JSON.stringify(norm(b)) }
    if (a !== b) return true
  }
  return false
}

/** Citations as the engine stores them (its default locator included), in a fixed order. */
function citationKey(list: unknown): string {
  const rows = ((list ?? []) as { sourceId: string, paragraph?: number | null, locator?: string, quote?: string | null }[])
    .map((c) => JSON.stringify([c.sourceId, c.paragraph ?? null, c.locator ?? defaultLocator(c.paragraph), c.quote ?? null]))
  return rows.sort().join('\n')
}

/** Link lists (event actors, statement events) as a set: the engine ignores duplicates and order. */
function linkKey(list: unknown): string {
  return [...new Set(((list ?? []) as unknown[]).map((x) => JSON.stringify(x && typeof x === 'object' ? Object.entries(x as object).sort(([a], [b]) => a.localeCompare(b)) : x)))].sort().join('\n')
}
