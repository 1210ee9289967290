import type Database from 'better-sqlite3'
import { SeedDataset, type SeedDatasetInput } from '../../seed/schema.ts'
import { sortKeyOf } from '../domain/dates.ts'
import type { RecordType } from '../domain/vocabulary.ts'
import { bumpVersion, readVersion } from './dataset.ts'
import { fillEventDocuments } from '../modules/events/stored.ts'
import { editedRecords, seedDigest, storedSeedDigest, writeSeedDigest } from './seed-state.ts'

type Row = Record<string, string | number | null>
type Cited = { citations: { source: string, paragraph?: number | undefined, locator?: string | undefined, quote?: string | undefined }[] }

export interface SeedReport { inserted: number, updated: number, unchanged: number, kept: number, version: number | null }

export interface SeedOptions {
  /**
   * Leave alone every record written or deleted through the API or an import since it was seeded
   * (it has revisions or a tombstone), with its links and citations: an editor's work outranks
   * the bundled seed. Used when a start-up brings an existing database up to a changed seed.
   */
  keepEdited?: boolean
}

/**
 * Loads the seed into the database. Records are compared with what is stored, so a second run
 * writes nothing and leaves the dataset version alone; a changed seed updates only what changed.
 */
export function seedDatabase(sqlite: Database.Database, input: SeedDatasetInput, options: SeedOptions = {}): SeedReport {
  const data = SeedDataset.parse(input)
  checkReferences(data)
  const report: SeedReport = { inserted: 0, updated: 0, unchanged: 0, kept: 0, version: null }
  // Rows written by this run carry the dataset version the run will end at (see schema.ts `version`).
  const stamp = readVersion(sqlite).version + 1
  const fresh = new Set<string>()
  const links = new LinkSync(sqlite, report, stamp)

  sqlite.transaction(() => {
    const edited = options.keepEdited ? editedRecords(sqlite, data) : new Set<string>()
    const keep = (type: RecordType | 'source', id: string) => {
      const kept = edited.has(`${type}:${id}`)
      if (kept) report.kept++
      return kept
    }
    const upsert = (table: string, row: Row) => {
      const result = upsertRow(sqlite, table, row, stamp)
      if (result === 'inserted') fresh.add(`${table}:${String(row.id)}`)
      report[result]++
    }
    // Linking a record inserted by this same run is part of its insert, not an update.
    const relink = (table: string, id: string, column: string, value: string | null) => {
      const changed = setColumn(sqlite, table, id, column, value, stamp)
      if (!fresh.has(`${table}:${id}`)) report.updated += changed
    }
    const sources = data.sources.filter((s) => !keep('source', s.id))
    const actors = data.actors.filter((a) => !keep('actor', a.id))
    const places = data.places.filter((p) => !keep('place', p.id))
    const events = data.events.filter((e) => !keep('event', e.id))
    const casualtyReports = data.casualtyReports.filter((c) => !keep('casualty_report', c.id))
    const displacementCounts = data.displacementCounts.filter((d) => !keep('displacement_count', d.id))
    const statements = data.statements.filter((st) => !keep('statement', st.id))

    for (const s of sources) {
      upsert('sources', { id: s.id, publisher: s.publisher, title: s.title, url: s.url, published_date: s.publishedDate, kind: s.kind, language: s.language, note: s.note ?? null })
    }
    // Affiliations and parents point within the same table: insert without them, then link.
    for (const a of actors) {
      upsert('actors', { id: a.id, name: a.name, aliases: JSON.stringify(a.aliases), kind: a.kind, affiliation_id: null, description: a.description })
    }
    for (const a of actors) relink('actors', a.id, 'affiliation_id', a.affiliation ?? null)
    for (const p of places) {
      upsert('places', { id: p.id, name: p.name, aliases: JSON.stringify(p.aliases), kind: p.kind, latitude: p.latitude, longitude: p.longitude, country_code: p.countryCode, parent_id: null, note: p.note ?? null })
    }
    for (const p of places) relink('places', p.id, 'parent_id', p.parent ?? null)
    for (const e of events) {
      upsert('events', {
        id: e.id, title: e.title, summary: e.summary, type: e.type, start: e.start, start_utc: sortKeyOf(e.start),
        end: e.end ?? null, end_utc: e.end ? sortKeyOf(e.end) : null, date_precision: e.datePrecision,
        date_basis: e.dateBasis, date_note: e.dateNote ?? null, place_id: e.place ?? null,
      })
      links.sync('event_actors', { event_id: e.id }, ['actor_id', 'role'], e.actors.map((l) => [l.actor, l.role]), ['events', e.id])
    }
    for (const c of casualtyReports) {
      upsert('casualty_reports', {
        id: c.id, event_id: c.event, outcome: c.outcome, victim_group: c.victimGroup, low: c.low, high: c.high, best: c.best,
        qualifier: c.qualifier, reported_phrase: c.reportedPhrase, reported_by_id: c.reportedBy ?? null,
        victim_actor_id: c.victimActor ?? null, perpetrator_actor_id: c.perpetratorActor ?? null, note: c.note ?? null,
      })
    }
    for (const d of displacementCounts) {
      upsert('displacement_counts', {
        id: d.id, event_id: d.event ?? null, metric: d.metric, low: d.low, high: d.high, best: d.best, qualifier: d.qualifier,
        reported_phrase: d.reportedPhrase, origin_place_id: d.origin ?? null, destination_place_id: d.destination ?? null,
        as_of: d.asOf, as_of_utc: sortKeyOf(d.asOf), as_of_precision: d.asOfPrecision, as_of_basis: d.asOfBasis,
        as_of_note: d.asOfNote ?? null, reported_by_id: d.reportedBy ?? null, relayed_by_id: d.relayedBy ?? null, note: d.note ?? null,
      })
    }
    for (const st of statements) {
      upsert('statements', {
        id: st.id, speaker_id: st.speaker, said_at: st.saidAt, said_at_utc: sortKeyOf(st.saidAt), date_precision: st.datePrecision,
        date_basis: st.dateBasis, date_note: st.dateNote ?? null, medium: st.medium, quote: st.quote ?? null, summary: st.summary,
      })
      links.sync('statement_events', { statement_id: st.id }, ['event_id'], st.events.map((e) => [e]), ['statements', st.id])
    }
    const cited: [RecordType, { id: string } & Cited][] = [
      ...actors.map((r) => ['actor', r] as [RecordType, typeof r]),
      ...places.map((r) => ['place', r] as [RecordType, typeof r]),
      ...events.map((r) => ['event', r] as [RecordType, typeof r]),
      ...casualtyReports.map((r) => ['casualty_report', r] as [RecordType, typeof r]),
      ...displacementCounts.map((r) => ['displacement_count', r] as [RecordType, typeof r]),
      ...statements.map((r) => ['statement', r] as [RecordType, typeof r]),
    ]
    for (const [type, record] of cited) links.syncCitations(type, record)
    if (report.inserted + report.updated > 0) report.version = bumpVersion(sqlite).version
    writeSeedDigest(sqlite, seedDigest(data))
  })()
  fillEventDocuments(sqlite)
  return report
}

export type StartSeed =
  | { action: 'none' }
  | { action: 'seeded' | 'upgraded', report: SeedReport }
  | { action: 'upgrade-failed', error: Error }

/**
 * What a start-up does with the bundled seed. An empty database gets all of it. A database seeded
 * from an older version of the seed (its digest differs, or it predates the digest and holds the
 * seed's first source) is brought up to date, except for the records someone edited or deleted
 * since. A database that was never seeded (imported data only) is left alone.
 */
export function seedOnStart(sqlite: Database.Database, input: SeedDatasetInput): StartSeed {
  if (readVersion(sqlite).version === 0) return { action: 'seeded', report: seedDatabase(sqlite, input) }
  const data = SeedDataset.parse(input)
  const stored = storedSeedDigest(sqlite)
  // Before digests were kept, a seeded database is one holding the seed's first source as the seed
  // wrote it: with no revisions, which an import of an exported copy would have left.
  const seededBefore = stored !== null || (data.sources[0] !== undefined && sqlite.prepare(
    `SELECT 1 FROM sources s WHERE s.id = ? AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.record_type = 'source' AND r.record_id = s.id)`,
  ).get(data.sources[0].id) !== undefined)
  if (!seededBefore || stored === seedDigest(data)) return { action: 'none' }
  try {
    return { action: 'upgraded', report: seedDatabase(sqlite, input, { keepEdited: true }) }
  } catch (err) {
    // Typically a seed record pointing at one an editor deleted: the whole run was rolled back.
    return { action: 'upgrade-failed', error: err as Error }
  }
}

function upsertRow(sqlite: Database.Database, table: string, row: Row, stamp: number): 'inserted' | 'updated' | 'unchanged' {
  const cols = Object.keys(row)
  const existing = sqlite.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE id = ?`).get(row.id) as Row | undefined
  if (!existing) {
    sqlite.prepare(`INSERT INTO ${table} (${cols.join(', ')}, version) VALUES (${cols.map((c) => '@' + c).join(', ')}, @version)`).run({ ...row, version: stamp })
    return 'inserted'
  }
  const changed = cols.filter((c) => c !== 'affiliation_id' && c !== 'parent_id' && existing[c] !== row[c])
  if (changed.length === 0) return 'unchanged'
  sqlite.prepare(`UPDATE ${table} SET ${changed.map((c) => `${c} = @${c}`).join(', ')}, version = @version, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = @id`).run({ ...row, version: stamp })
  return 'updated'
}

function setColumn(sqlite: Database.Database, table: string, id: string, column: string, value: string | null, stamp: number): number {
  return sqlite.prepare(`UPDATE ${table} SET ${column} = ?, version = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND ${column} IS NOT ?`).run(value, stamp, id, value).changes
}

/** The table of each record type that carries citations. */
const TABLE_OF: Record<RecordType, string> = {
  actor: 'actors', place: 'places', event: 'events', casualty_report: 'casualty_reports', displacement_count: 'displacement_counts', statement: 'statements',
}

/**
 * Stamps a record whose links or citations this run changed with the run's version, as a change of
 * its own columns is: its ETag, `updatedAt` and the changes feed then show the change, and an
 * `If-Match` taken before it fails. A row inserted or updated by this run already holds the stamp.
 */
function touch(sqlite: Database.Database, table: string, id: string, stamp: number): void {
  sqlite.prepare(`UPDATE ${table} SET version = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND version IS NOT ?`).run(stamp, id, stamp)
}

/** Keeps link tables and citations equal to the seed, touching only rows that differ. */
class LinkSync {
  constructor(private readonly sqlite: Database.Database, private readonly report: SeedReport, private readonly stamp: number) {}

  /** Makes the owner's rows of `table` the wanted ones; when any changed, the owner record is stamped. */
  sync(table: string, owner: Record<string, string>, cols: string[], wanted: (string | number | null)[][], ownerRecord: [table: string, id: string]): void {
    const key = (r: unknown[]) => JSON.stringify(r)
    const ownerCols = Object.keys(owner), ownerVals = Object.values(owner)
    const ownerWhere = ownerCols.map((c) => `${c} = ?`).join(' AND ')
    const have = new Set((this.sqlite.prepare(`SELECT ${cols.join(', ')} FROM ${table} WHERE ${ownerWhere}`).raw().all(...ownerVals) as unknown[][]).map(key))
    const want = new Set(wanted.map(key))
    const where = cols.map((c) => `${c} IS ?`).join(' AND ')
    let changed = false
    for (const k of have) {
      if (want.has(k)) continue
      this.sqlite.prepare(`DELETE FROM ${table} WHERE ${ownerWhere} AND ${where}`).run(...ownerVals, ...JSON.parse(k))
      this.report.updated++
      changed = true
    }
    for (const k of want) {
      if (have.has(k)) continue
      const all = [...ownerCols, ...cols]
      this.sqlite.prepare(`INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`).run(...ownerVals, ...JSON.parse(k))
      this.report.inserted++
      changed = true
    }
    if (changed) touch(this.sqlite, ownerRecord[0], ownerRecord[1], this.stamp)
  }

  syncCitations(type: RecordType, record: { id: string } & Cited): void {
    this.sync('citations', { record_type: type, record_id: record.id }, ['source_id', 'paragraph', 'locator', 'quote'],
      record.citations.map((c) => [c.source, c.paragraph ?? null, c.locator ?? `para. ${c.paragraph}`, c.quote ?? null]), [TABLE_OF[type], record.id])
  }
}

function checkReferences(data: SeedDataset): void {
  const ids = (xs: { id: string }[]) => new Set(xs.map((x) => x.id))
  const actors = ids(data.actors), places = ids(data.places), events = ids(data.events), sources = ids(data.sources)
  const problems: string[] = []
  const need = (set: Set<string>, id: string | null | undefined, where: string) => {
    if (id != null && !set.has(id)) problems.push(`${where} refers to unknown id "${id}"`)
  }
  for (const a of data.actors) need(actors, a.affiliation, `actor ${a.id}`)
  for (const p of data.places) need(places, p.parent, `place ${p.id}`)
  for (const e of data.events) { need(places, e.place, `event ${e.id}`); for (const l of e.actors) need(actors, l.actor, `event ${e.id}`) }
  for (const c of data.casualtyReports) { need(events, c.event, `casualty ${c.id}`); for (const a of [c.reportedBy, c.victimActor, c.perpetratorActor]) need(actors, a, `casualty ${c.id}`) }
  for (const d of data.displacementCounts) {
    need(events, d.event, `displacement ${d.id}`)
    for (const p of [d.origin, d.destination]) need(places, p, `displacement ${d.id}`)
    for (const a of [d.reportedBy, d.relayedBy]) need(actors, a, `displacement ${d.id}`)
  }
  for (const s of data.statements) { need(actors, s.speaker, `statement ${s.id}`); for (const e of s.events) need(events, e, `statement ${s.id}`) }
  for (const r of [...data.actors, ...data.places, ...data.events, ...data.casualtyReports, ...data.displacementCounts, ...data.statements]) {
    for (const c of r.citations) need(sources, c.source, `citation of ${r.id}`)
  }
  if (problems.length) throw new Error(`seed has broken references:\n${problems.join('\n')}`)
}
