import type Database from 'better-sqlite3'
import { casualtiesOfEvents } from '../casualties/queries.ts'
import { presentCasualties } from '../casualties/present.ts'
import { displacementOfEvents } from '../displacement/queries.ts'
import { presentDisplacement } from '../displacement/present.ts'
import { getPlace } from '../places/queries.ts'
import { citationsByRecord } from '../sources/queries.ts'
import { statementsOfEvents } from '../statements/queries.ts'
import { presentStatements } from '../statements/present.ts'
import { actorsOfEvents, type EventRow } from './queries.ts'

/** One event with everything a reader needs to check it: actors, place, figures, statements, sources. */
export function presentEventDetail(sqlite: Database.Database, event: EventRow) {
  const place = event.placeId ? getPlace(sqlite, event.placeId) : undefined
  return {
    ...event,
    place: place ? { id: place.id, name: place.name, latitude: place.latitude, longitude: place.longitude } : null,
    actors: actorsOfEvents(sqlite, [event.id]).map(({ actorId, name, kind, role }) => ({ id: actorId, name, kind, role })),
    casualtyReports: presentCasualties(sqlite, casualtiesOfEvents(sqlite, [event.id])),
    displacementCounts: presentDisplacement(sqlite, displacementOfEvents(sqlite, [event.id])),
    statements: presentStatements(sqlite, statementsOfEvents(sqlite, [event.id])),
    citations: citationsByRecord(sqlite, 'event', [event.id])[0]!,
  }
}
