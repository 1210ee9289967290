import type Database from 'better-sqlite3'
import { IN_JSON } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'

// The ids a record has in the datasets it was imported from (ACLED's event_id_cnty, UCDP's id), as
// the importer keeps them in external_ids. The importer's own bookkeeping of records restored from
// this API's exports (system "json", the record's own id) is no id elsewhere and is left out.

/** An id a record has in another dataset. */
export interface ExternalId { system: string, id: string }

const indexed = new WeakMap<Database.Database, boolean>()

/**
 * Whether the database can list a record's external ids by an index: a release frozen before
 * migration 0021 cannot, and a read would scan every imported id, so it answers as it did then.
 */
export function listsExternalIds(sqlite: Database.Database): boolean {
  let known = indexed.get(sqlite)
  if (known === undefined) {
    known = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'external_ids_record_idx'`).get() !== undefined
    // A writable database without it is about to be migrated: ask again next time.
    if (known || sqlite.readonly) indexed.set(sqlite, known)
  }
  return known
}

/** A record's external ids as a JSON array, in SQL, for the type and id given as SQL expressions. */
export const externalIdsSql = (recordType: string, recordId: string) => `(SELECT json_group_array(json_object('system', system, 'id', external_id))
  FROM (SELECT system, external_id FROM external_ids WHERE record_type = ${recordType} AND record_id = ${recordId} AND system <> 'json' ORDER BY system, external_id))`

const OF_RECORD = `SELECT ${externalIdsSql('?', '?')}`

/** A record's external ids as a JSON array, by system and id; null where the database cannot list them. */
export function externalIdsJson(sqlite: Database.Database, recordType: string, recordId: string): string | null {
  if (!listsExternalIds(sqlite)) return null
  return prepared(sqlite, OF_RECORD).pluck().get(recordType, recordId) as string
}

const OF_RECORDS = `SELECT record_id AS recordId, system, external_id AS id FROM external_ids
  WHERE record_type = ? AND record_id IN ${IN_JSON} AND system <> 'json' ORDER BY record_id, system, external_id`

/** The external ids of a batch of records, by record id; null where the database cannot list them. */
export function externalIdsOf(sqlite: Database.Database, recordType: string, ids: readonly string[]): Map<string, ExternalId[]> | null {
  if (!listsExternalIds(sqlite)) return null
  const byRecord = new Map<string, ExternalId[]>(ids.map((id) => [id, []]))
  for (const r of prepared(sqlite, OF_RECORDS).all(recordType, JSON.stringify(ids)) as (ExternalId & { recordId: string })[]) {
    byRecord.get(r.recordId)?.push({ system: r.system, id: r.id })
  }
  return byRecord
}
