import type Database from 'better-sqlite3'
import { actorRefs, placeRefs } from '../../http/refs.ts'
import { citationsByRecord } from '../sources/queries.ts'
import type { DisplacementRow } from './queries.ts'

/** Adds place and actor names and citations to a batch of displacement counts. */
export function presentDisplacement(sqlite: Database.Database, rows: DisplacementRow[]) {
  if (rows.length === 0) return []
  const citations = citationsByRecord(sqlite, 'displacement_count', rows.map((r) => r.id))
  const actor = actorRefs(sqlite, rows.flatMap((r) => [r.reportedById, r.relayedById]))
  const place = placeRefs(sqlite, rows.flatMap((r) => [r.originPlaceId, r.destinationPlaceId]))
  return rows.map(({ reportedById, relayedById, originPlaceId, destinationPlaceId, ...r }, i) => ({
    ...r,
    origin: place(originPlaceId),
    destination: place(destinationPlaceId),
    reportedBy: actor(reportedById),
    relayedBy: actor(relayedById),
    citations: citations[i]!,
  }))
}
