import type Database from 'better-sqlite3'
import { actorRefs } from '../../http/refs.ts'
import { citationsByRecord } from '../sources/queries.ts'
import type { CasualtyRow } from './queries.ts'

/** Adds actor names and citations to a batch of casualty reports: two statements per batch. */
export function presentCasualties(sqlite: Database.Database, rows: CasualtyRow[]) {
  if (rows.length === 0) return []
  const citations = citationsByRecord(sqlite, 'casualty_report', rows.map((r) => r.id))
  const actor = actorRefs(sqlite, rows.flatMap((r) => [r.reportedById, r.victimActorId, r.perpetratorActorId]))
  return rows.map(({ reportedById, victimActorId, perpetratorActorId, eventSortKey: _key, ...r }, i) => ({
    ...r,
    reportedBy: actor(reportedById),
    victimActor: actor(victimActorId),
    perpetratorActor: actor(perpetratorActorId),
    citations: citations[i]!,
  }))
}
