import type Database from 'better-sqlite3'
import { groupedByKey } from '../../graphql/args.ts'
import { casualtiesOfEvents } from '../casualties/queries.ts'
import { presentCasualties } from '../casualties/present.ts'
import { displacementOfEvents } from '../displacement/queries.ts'
import { presentDisplacement } from '../displacement/present.ts'
import { actorsOfEvents, type EventActorRow, type EventRow } from '../events/queries.ts'
import { placesByIds, type PlaceRow } from '../places/queries.ts'
import { citationsFor, type CitationRow } from '../sources/queries.ts'
import { statementsOfEvents } from '../statements/queries.ts'
import { presentStatements } from '../statements/present.ts'

export type Casualty = ReturnType<typeof presentCasualties>[number]
export type Displacement = ReturnType<typeof presentDisplacement>[number]
export type Statement = ReturnType<typeof presentStatements>[number]

export interface PageEvent {
  event: EventRow
  place: PlaceRow | null
  actors: EventActorRow[]
  casualties: Casualty[]
  displacement: Displacement[]
  statements: Statement[]
  citations: CitationRow[]
}

/**
 * Everything the human pages show about events, read through the same query functions as the API:
 * the page and the JSON it links to cannot disagree.
 */
export function withDetails(sqlite: Database.Database, rows: EventRow[]): PageEvent[] {
  const ids = rows.map((e) => e.id)
  if (ids.length === 0) return []
  const places = new Map(placesByIds(sqlite, [...new Set(rows.flatMap((e) => (e.placeId ? [e.placeId] : [])))]).map((p) => [p.id, p]))
  const actors = groupedByKey(ids, actorsOfEvents(sqlite, ids), (a) => a.eventId)
  const casualties = groupedByKey(ids, presentCasualties(sqlite, casualtiesOfEvents(sqlite, ids)), (c) => c.eventId)
  const statementRows = statementsOfEvents(sqlite, ids)
  const presented = presentStatements(sqlite, statementRows)
  const statements = groupedByKey(ids, statementRows.map((s, i) => ({ eventId: s.eventId, statement: presented[i]! })), (s) => s.eventId)
  const displacement = groupedByKey(ids, presentDisplacement(sqlite, displacementOfEvents(sqlite, ids)), (d) => d.eventId!)
  const citations = groupedByKey(ids, citationsFor(sqlite, 'event', ids), (c) => c.recordId)
  return rows.map((event, i) => ({
    event,
    place: event.placeId ? places.get(event.placeId) ?? null : null,
    actors: actors[i]!,
    casualties: casualties[i]!,
    displacement: displacement[i]!,
    statements: statements[i]!.map((s) => s.statement),
    citations: citations[i]!,
  }))
}
