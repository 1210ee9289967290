import type Database from 'better-sqlite3'
import type { z } from 'zod'
import { bumpVersion, readVersion } from '../../db/dataset.ts'
import { prepared } from '../../db/prepared.ts'
import { sortKeyOf } from '../../domain/dates.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { slug } from '../../domain/slug.ts'
import {
  DatabaseBusyError, InUseError, NotFoundError, PreconditionFailedError, PreconditionRequiredError, UnknownReferenceError, WriteValidationError,
} from '../../errors.ts'
import { COLUMNS } from '../export/plan.ts'
import { refillEventDocuments, WRITE_REFILL_CAP } from '../events/stored.ts'
import { bookkeeping } from './queries.ts'
import { defaultLocator, patchOf } from './schemas.ts'
import type { ResourceSpec } from './resources.ts'

export type Operation = 'create' | 'update' | 'delete' | 'restore'
export interface Writer { keyId: string | null, keyName: string }
export interface Change { recordType: string, recordId: string, operation: Operation, datasetVersion: number }
export type Snapshot = Record<string, unknown>

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/** A zod failure as a 400 that names each field. */
function invalid(error: z.ZodError): never {
  const real = error.issues.filter((i) => i.code !== 'custom' || i.path.length > 0 || error.issues.length === 1)
  const errors = real.flatMap((i) => {
    const at = i.path.map(String).join('.')
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ parameter: at ? `${at}.${k}` : k, in: 'body', message: 'unknown field' }))
    return [{ parameter: at || 'body', in: 'body', message: i.message }]
  })
  throw new WriteValidationError(errors.map((e) => `${e.parameter}: ${e.message}`).join('; '), errors)
}

/**
 * The single place where records change. Every write runs in one transaction that checks the
 * payload and its references, applies it, stores a revision (who, when, before, after), moves the
 * dataset version on and reports the change, so REST, GraphQL and the importer behave alike.
 */
export class WriteEngine {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly onChange: (c: Change) => void = () => {},
    /** How long `attempt` keeps retrying while another process holds the write lock. */
    private readonly lockWaitMs = 5000,
  ) {}

  /**
   * Runs a write for a server whose connection does not wait for the lock (busy_timeout 0):
   * while another process (an import) holds it, the transaction cannot begin and nothing has been
   * done, so the write is tried again after a pause, with the event loop free for other requests,
   * until the wait allowed runs out. A synchronous busy wait would stop every client instead.
   */
  async attempt<T>(write: () => T): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs
    for (let pause = 2; ; pause = Math.min(pause * 2, 12)) {
      try {
        return write()
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
        if (Date.now() + pause > deadline) throw new DatabaseBusyError(`another writer held the database for more than ${this.lockWaitMs} ms; retry shortly`)
        await sleep(pause / 2 + Math.random() * pause)
      }
    }
  }

  /** The record as stored, in the shape of its write payload plus its stamps; undefined if absent. */
  snapshot(spec: ResourceSpec, id: string): Snapshot | undefined {
    const row = prepared(this.sqlite, `SELECT ${COLUMNS[spec.exportResource]}, version FROM ${spec.table} WHERE id = ?`).get(id) as Snapshot | undefined
    if (!row) return undefined
    for (const c of spec.jsonColumns) row[c] = JSON.parse(row[c] as string)
    if (spec.links) {
      const l = spec.links
      const cols = Object.entries(l.columns)
      const rows = prepared(this.sqlite, `SELECT ${cols.map(([k, c]) => `${c} AS ${k}`).join(', ')} FROM ${l.table} WHERE ${l.owner} = ? ORDER BY ${cols.map(([, c]) => c).join(', ')}`).all(id) as Record<string, string>[]
      row[l.field] = cols.length === 1 ? rows.map((r) => r[cols[0]![0]]) : rows
    }
    if (spec.cited) {
      row.citations = prepared(this.sqlite, `SELECT source_id AS sourceId, paragraph, locator, quote FROM citations
        WHERE record_type = ? AND record_id = ? ORDER BY paragraph, id`).all(spec.recordType, id)
    }
    return row
  }

  create(spec: ResourceSpec, body: unknown, who: Writer): Snapshot {
    const parsed = spec.input.safeParse(body)
    if (!parsed.success) invalid(parsed.error)
    return this.write(() => {
      const input = parsed.data as Record<string, unknown>
      const id = (input.id as string | undefined) ?? this.freshId(spec, String(input[spec.nameField]))
      if (this.exists(spec.table, id)) throw new InUseError(`${spec.label} "${id}" already exists; PATCH it instead`)
      const version = readVersion(this.sqlite).version + 1
      this.checkRefs(spec, input)
      this.insertRow(spec, id, input, version)
      this.writeLinks(spec, id, input)
      // A record made again under a deleted id is live: its tombstone must not delete it in copies.
      bookkeeping(this.sqlite).dropTombstone.run({ recordType: spec.recordType, recordId: id })
      return this.finish(spec, id, 'create', undefined, who)
    })
  }

  update(spec: ResourceSpec, id: string, body: unknown, ifMatch: string | undefined, who: Writer): Snapshot {
    const patch = patchOf(spec.input).safeParse(body)
    if (!patch.success) invalid(patch.error)
    return this.write(() => {
      const before = this.current(spec, id, ifMatch)
      const merged = { ...pick(before, Object.keys(spec.input.shape)), ...(patch.data as object), id }
      const checked = spec.input.safeParse(merged)
      if (!checked.success) invalid(checked.error)
      const input = checked.data as Record<string, unknown>
      this.checkRefs(spec, input)
      const version = readVersion(this.sqlite).version + 1
      const row = this.rowOf(spec, input)
      prepared(this.sqlite, `UPDATE ${spec.table} SET ${Object.keys(row).map((c) => `${c} = @${c}`).join(', ')}, version = @version, updated_at = ${NOW} WHERE id = @id`)
        .run({ ...row, version, id })
      const touched = patch.data as Record<string, unknown>
      this.writeLinks(spec, id, Object.fromEntries(Object.entries(input).filter(([k]) => k in touched)))
      return this.finish(spec, id, 'update', before, who)
    })
  }

  remove(spec: ResourceSpec, id: string, ifMatch: string | undefined, who: Writer): { recordType: string, recordId: string, deletedAt: string, datasetVersion: number } {
    return this.write(() => {
      const before = this.current(spec, id, ifMatch)
      // Counted, and only the first five read: a source can be cited by a million records.
      const named: string[] = []
      let users = 0
      for (const d of spec.dependents) {
        const n = prepared(this.sqlite, `SELECT count(*) FROM (${d.sql})`).pluck().get({ id }) as number
        if (n === 0) continue
        users += n
        if (named.length < 5) named.push(...(prepared(this.sqlite, `${d.sql} LIMIT ${5 - named.length}`).pluck().all({ id }) as string[]).map((u) => `${d.label} ${u}`))
      }
      if (users) throw new InUseError(`${spec.label} "${id}" is still referred to by ${named.join(', ')}${users > named.length ? ` and ${users - named.length} more` : ''}`)
      if (spec.cited) this.dropCitations(spec, id)
      if (spec.links) prepared(this.sqlite, `DELETE FROM ${spec.links.table} WHERE ${spec.links.owner} = ?`).run(id)
      prepared(this.sqlite, `DELETE FROM ${spec.table} WHERE id = ?`).run(id)
      const deletedAt = new Date().toISOString()
      bookkeeping(this.sqlite).addTombstone.run({ recordType: spec.recordType, recordId: id, deletedAt, version: readVersion(this.sqlite).version + 1 })
      const { datasetVersion } = this.record(spec, id, 'delete', before, null, who)
      return { recordType: spec.recordType, recordId: id, deletedAt, datasetVersion }
    })
  }

  /** Brings a deleted record back as it was just before its deletion. */
  restore(spec: ResourceSpec, id: string, who: Writer): Snapshot {
    return this.write(() => {
      if (this.exists(spec.table, id)) throw new InUseError(`${spec.label} "${id}" exists; only a deleted record can be restored`)
      const last = bookkeeping(this.sqlite).lastRevision.get({ recordType: spec.recordType, recordId: id })
      if (!last || last.operation !== 'delete' || !last.before) throw new NotFoundError(`deleted ${spec.label}`, id)
      // Checked like a create: a record stored before a rule was added may break it, and is then
      // refused naming the field rather than failing as a server error.
      const parsed = spec.input.safeParse(pick(last.before as Snapshot, Object.keys(spec.input.shape)))
      if (!parsed.success) invalid(parsed.error)
      const input = parsed.data as Record<string, unknown>
      this.checkRefs(spec, input)
      this.insertRow(spec, id, input, readVersion(this.sqlite).version + 1)
      // Back as it was: it keeps the time it was first created; updatedAt is the restore's.
      const createdAt = (last.before as Snapshot).createdAt
      if (typeof createdAt === 'string') prepared(this.sqlite, `UPDATE ${spec.table} SET created_at = ? WHERE id = ?`).run(createdAt, id)
      this.writeLinks(spec, id, input)
      bookkeeping(this.sqlite).dropTombstone.run({ recordType: spec.recordType, recordId: id })
      return this.finish(spec, id, 'restore', undefined, who)
    })
  }

  /**
   * Runs a write as an IMMEDIATE transaction: the write lock is taken before the first read, so
   * a writer in another process (an import) makes this one wait its busy timeout, not fail.
   * Inside a transaction already open (an import batch) it runs as a savepoint.
   * The event documents the write made stale are composed again before it commits, up to a cap so
   * that a change reaching many events leaves the rest to the background refiller.
   */
  private write<T>(fn: () => T): T {
    const outermost = !this.sqlite.inTransaction
    return this.sqlite.transaction(() => {
      const result = fn()
      if (outermost) refillEventDocuments(this.sqlite, WRITE_REFILL_CAP)
      return result
    }).immediate()
  }

  /**
   * Every write to the record, oldest first. A record written only by the seed or an import has
   * none and answers an empty list; one that never existed (no row and no write) is not found. A
   * deleted record keeps its writes, its deletion the last.
   */
  revisions(spec: ResourceSpec, id: string) {
    const rows = bookkeeping(this.sqlite).revisionsOf.all({ recordType: spec.recordType, recordId: id })
    if (rows.length === 0 && !prepared(this.sqlite, `SELECT 1 FROM ${spec.table} WHERE id = ?`).get(id)) throw new NotFoundError(spec.label, id)
    return rows
  }

  private current(spec: ResourceSpec, id: string, ifMatch: string | undefined): Snapshot {
    const before = this.snapshot(spec, id)
    if (!before) throw new NotFoundError(spec.label, id)
    if (!ifMatch) throw new PreconditionRequiredError(`If-Match is required to change ${spec.label} "${id}": send the ETag of your last read of it`)
    // `*` would match any version (RFC 9110), which is what requiring If-Match is there to prevent.
    if (ifMatch.trim() === '*') throw new PreconditionRequiredError(`If-Match: * names no version of ${spec.label} "${id}"; send the ETag of your last read of it, so a change made since is not overwritten`)
    const current = readVersion(this.sqlite).version
    const seen = parseIfMatch(ifMatch).filter((v) => v <= current)
    if (seen.length === 0) throw new PreconditionFailedError(`If-Match: ${ifMatch} names no ETag issued by this API (strong ETags "vN-json", N at most ${current})`)
    if ((before.version as number) > Math.max(...seen)) {
      throw new PreconditionFailedError(`${spec.label} "${id}" changed at dataset version ${String(before.version)}, after the version ${Math.max(...seen)} you read; read it again`)
    }
    return before
  }

  private finish(spec: ResourceSpec, id: string, op: Operation, before: Snapshot | undefined, who: Writer): Snapshot {
    const after = this.snapshot(spec, id)!
    this.record(spec, id, op, before ?? null, after, who)
    return after
  }

  private record(spec: ResourceSpec, id: string, operation: Operation, before: Snapshot | null, after: Snapshot | null, who: Writer) {
    const { version } = bumpVersion(this.sqlite)
    bookkeeping(this.sqlite).addRevision.run({
      recordType: spec.recordType, recordId: id, operation, keyId: who.keyId, keyName: who.keyName, datasetVersion: version,
      before: before && JSON.stringify(before), after: after && JSON.stringify(after),
    })
    // Reported after commit: a subscriber must never hear of a change that was rolled back.
    const change = { recordType: spec.recordType, recordId: id, operation, datasetVersion: version }
    queueMicrotask(() => this.onChange(change))
    return { datasetVersion: version }
  }

  private exists(table: string, id: string): boolean {
    return prepared(this.sqlite, `SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined
  }

  private checkRefs(spec: ResourceSpec, input: Record<string, unknown>): void {
    const missing: { parameter: string, in: string, message: string }[] = []
    const check = (path: string, type: string, table: string, value: unknown) => {
      if (typeof value === 'string' && !this.exists(table, value)) missing.push({ parameter: path, in: 'body', message: `${type} "${value}" does not exist` })
    }
    for (const r of spec.refs) check(r.field, r.type, r.table, input[r.field])
    if (spec.links && Array.isArray(input[spec.links.field])) {
      const l = spec.links
      ;(input[l.field] as unknown[]).forEach((item, i) => {
        for (const r of l.refs) check(`${l.field}.${i}${typeof item === 'string' ? '' : `.${r.field}`}`, r.type, r.table, typeof item === 'string' ? item : (item as Record<string, unknown>)[r.field])
      })
    }
    if (Array.isArray(input.citations)) {
      ;(input.citations as { sourceId: string }[]).forEach((c, i) => check(`citations.${i}.sourceId`, 'source', 'sources', c.sourceId))
    }
    // An actor may not belong to itself through its affiliations, nor a place lie within itself.
    for (const r of spec.refs) {
      if (r.table !== spec.table || typeof input[r.field] !== 'string' || typeof input.id !== 'string') continue
      const column = r.field === 'affiliationId' ? 'affiliation_id' : 'parent_id'
      const seen = new Set<string>([input.id])
      for (let at: string | null = input[r.field] as string; at; at = (prepared(this.sqlite, `SELECT ${column} AS up FROM ${spec.table} WHERE id = ?`).get(at) as { up: string | null } | undefined)?.up ?? null) {
        if (seen.has(at)) { missing.push({ parameter: r.field, in: 'body', message: `"${String(input[r.field])}" would make ${spec.label} "${input.id}" part of itself` }); break }
        seen.add(at)
      }
    }
    if (missing.length) throw new UnknownReferenceError(missing.map((m) => `${m.parameter}: ${m.message}`).join('; '), missing)
  }

  private rowOf(spec: ResourceSpec, input: Record<string, unknown>): Record<string, unknown> {
    const row: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(input)) {
      if (k === 'id' || k === 'citations' || k === spec.links?.field) continue
      row[snake(k)] = spec.jsonColumns.includes(k) ? JSON.stringify(v ?? []) : v ?? null
    }
    // Optional fields left out of a create are stored as null; arrays as [].
    for (const k of Object.keys(spec.input.shape)) {
      if (k === 'id' || k === 'citations' || k === spec.links?.field || snake(k) in row) continue
      row[snake(k)] = spec.jsonColumns.includes(k) ? '[]' : null
    }
    for (const [field, column] of Object.entries(spec.sortKeys)) row[column] = input[field] ? sortKeyOf(input[field] as string) : null
    return row
  }

  private insertRow(spec: ResourceSpec, id: string, input: Record<string, unknown>, version: number): void {
    const row = { ...this.rowOf(spec, input), id, version }
    const cols = Object.keys(row)
    prepared(this.sqlite, `INSERT INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row)
  }

  /** Replaces the links and citations present in `input`; absent ones are left as they are. */
  private writeLinks(spec: ResourceSpec, id: string, input: Record<string, unknown>): void {
    const l = spec.links
    if (l && Array.isArray(input[l.field])) {
      prepared(this.sqlite, `DELETE FROM ${l.table} WHERE ${l.owner} = ?`).run(id)
      const cols = Object.entries(l.columns)
      const insert = prepared(this.sqlite, `INSERT OR IGNORE INTO ${l.table} (${l.owner}, ${cols.map(([, c]) => c).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`)
      for (const item of input[l.field] as unknown[]) {
        insert.run(id, ...(typeof item === 'string' ? [item] : cols.map(([k]) => (item as Record<string, unknown>)[k])))
      }
    }
    if (spec.cited && Array.isArray(input.citations)) {
      this.dropCitations(spec, id)
      const insert = bookkeeping(this.sqlite).addCitation
      for (const c of input.citations as { sourceId: string, paragraph?: number | null, locator?: string, quote?: string | null }[]) {
        insert.run({
          recordType: spec.recordType, recordId: id, sourceId: c.sourceId, paragraph: c.paragraph ?? null,
          locator: c.locator ?? defaultLocator(c.paragraph), quote: c.quote ?? null,
        })
      }
    }
  }

  /** Citations have ids of their own in exports, so a copy in sync must hear of the ones that go. */
  private dropCitations(spec: ResourceSpec, id: string): void {
    const q = bookkeeping(this.sqlite)
    const of = { recordType: spec.recordType, recordId: id }
    const gone = q.citationIds.all(of)
    if (gone.length === 0) return
    q.dropCitations.run(of)
    const deletedAt = new Date().toISOString()
    const version = readVersion(this.sqlite).version + 1
    for (const c of gone) q.addTombstone.run({ recordType: 'citation', recordId: String(c.id), deletedAt, version })
  }

  /** A slug from the record's name, made unique with a counter. */
  private freshId(spec: ResourceSpec, name: string): string {
    const base = slug(name, 60) || spec.recordType.replaceAll('_', '-')
    let id = base
    for (let n = 2; this.exists(spec.table, id) || this.wasDeleted(spec, id); n++) id = `${base}-${n}`
    return id
  }

  private wasDeleted(spec: ResourceSpec, id: string): boolean {
    return bookkeeping(this.sqlite).tombstone.get({ recordType: spec.recordType, recordId: id }) !== undefined
  }
}

/**
 * The dataset versions an If-Match header names: `"v12-json"`, `"v12-json-br"` (a compressed read's),
 * `"v12"`, or (in GraphQL, where the value is not quoted) `v12`; a list gives several. Weak tags are
 * ignored: If-Match compares strongly.
 */
export function parseIfMatch(header: string): number[] {
  return header.split(',').flatMap((tag) => {
    // Only the forms this API issues ("vN-json", "vN-csv", a coding's suffix when compressed) and
    // the bare version; anything else after the version names no tag of ours.
    const m = /^("?)v(\d+)(?:-(?:json|csv)(?:-(?:br|gzip))?)?\1$/.exec(tag.trim())
    return m ? [Number(m[2])] : []
  })
}

function pick(o: Snapshot, keys: string[]): Snapshot {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]))
}
