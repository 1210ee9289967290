import type Database from 'better-sqlite3'
import { eventIdsOfStatements, groupBy } from '../events/queries.ts'
import { citationsByRecord } from '../sources/queries.ts'
import type { StatementRow } from './queries.ts'

/** Adds the events each statement is about and its citations: two statements per batch. */
export function presentStatements(sqlite: Database.Database, rows: StatementRow[]) {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const citations = citationsByRecord(sqlite, 'statement', ids)
  const events = groupBy(eventIdsOfStatements(sqlite, ids), 'statementId')
  return rows.map(({ speakerId, speakerName, ...r }, i) => ({
    ...r,
    speaker: { id: speakerId, name: speakerName },
    eventIds: (events.get(r.id) ?? []).map((e) => e.eventId),
    citations: citations[i]!,
  }))
}
