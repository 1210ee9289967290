import type { ActorRole } from '../../domain/vocabulary.ts'
import { RESOURCE_BY_TYPE } from '../curation/resources.ts'
import type { Cells } from './fields.ts'
import { RowError, type RowOutcome } from './report.ts'
import type { Payload, RecordStore, Shared, WriteResult } from './store.ts'

export interface CsvRow {
  /** The file line the row starts on (a quoted cell may span lines). */
  line: number
  cells: Cells
  /** Set when the row cannot be read as the header says: its cells would land in the wrong columns. */
  problem?: string
}

/** Ids of the shared records a row names, once found or created. */
export interface Resolved { actorIds: string[], placeId: string | null, sourceIds: string[] }

/** What one CSV row becomes: an event with its actors, place and sources, and perhaps a casualty report. */
export interface RowPlan {
  eventId: string
  actors: { actor: Shared, role: ActorRole }[]
  place: Shared | null
  sources: Shared[]
  event(ids: Resolved): Payload
  casualty: ((ids: Resolved) => Payload) | null
  /** Cells shortened to fit their fields (see Clips), for the report. */
  shortened: string[]
}

export interface CsvFormat {
  system: 'acled' | 'ucdp'
  /** The columns the mapping reads; a file without one of them is refused before any row is written. */
  columns: readonly string[]
  /** The column holding the dataset's own id of the row. */
  idColumn: string
  /** The event id a row's own id is stored as (a slug: ids differing only in case or punctuation meet). */
  recordId(externalId: string): string
  plan(cells: Cells): RowPlan
}

const EVENT = RESOURCE_BY_TYPE.get('event')!
const CASUALTY = RESOURCE_BY_TYPE.get('casualty_report')!

/**
 * Writes one planned row. The event and its casualty report are found again through the row's
 * external id, shared records through theirs, so a re-import lands on the same records whatever
 * ids they were given. A row that no longer has a figure loses the report it had.
 */
export function applyPlan(store: RecordStore, externalId: string, plan: RowPlan): RowOutcome {
  const ids: Resolved = {
    actorIds: plan.actors.map((a) => store.ensure(a.actor).id),
    placeId: plan.place ? store.ensure(plan.place).id : null,
    sourceIds: plan.sources.map((s) => store.ensure(s).id),
  }
  const mapped = store.mapped(EVENT, externalId)
  // An event already stored under this id that no row of this id wrote: another id of the dataset
  // that makes the same slug (AZE_501 and AZE-501), or a record written by hand. Either would be
  // overwritten, and the next import of each would overwrite the other again. One restored from an
  // export of a database this file went into is this row's (its export does not say so).
  if (!mapped && store.exists(EVENT, plan.eventId) && !store.restored(EVENT, plan.eventId)) {
    throw new RowError(`"${externalId}" would be stored as event ${plan.eventId}, which holds a record not imported from this id (another id that differs only in case or punctuation, or one written by hand)`)
  }
  const eventId = mapped ?? plan.eventId
  const event = store.upsert(EVENT, eventId, plan.event(ids))
  store.remember(EVENT, externalId, eventId)

  const knownReport = store.mapped(CASUALTY, externalId)
  let report: WriteResult | 'removed' = 'unchanged'
  if (plan.casualty) {
    const reportId = knownReport ?? `${eventId}-killed`
    report = store.upsert(CASUALTY, reportId, { ...plan.casualty(ids), eventId })
    store.remember(CASUALTY, externalId, reportId)
  } else if (knownReport) {
    store.remove(CASUALTY, knownReport)
    report = 'removed'
  }
  if (event === 'created') return 'imported'
  return event === 'unchanged' && report === 'unchanged' ? 'unchanged' : 'updated'
}
