import type { EventType } from '../../domain/vocabulary.ts'
import { RESOURCE_BY_TYPE } from '../curation/resources.ts'
import type { CsvFormat, Resolved, RowPlan } from './csv.ts'
import { actorKind, Clips, code, count, countryCode, coordinate, day, optional, required, slug, splitList, type Cells } from './fields.ts'
import { RowError } from './report.ts'
import type { Shared } from './store.ts'

const ACTOR = RESOURCE_BY_TYPE.get('actor')!
const PLACE = RESOURCE_BY_TYPE.get('place')!
const SOURCE = RESOURCE_BY_TYPE.get('source')!

/**
 * ACLED's event types in this API's vocabulary. Our types describe what a reader of the timeline
 * is looking at, not ACLED's coding rules, so:
 * - Battles are armed clashes, an `attack`; only the two sub-types in which ground changes hands
 *   are an `offensive`.
 * - Explosions/Remote violence and Violence against civilians are `attack`s.
 * - Riots are violent by ACLED's definition (a protest turns violent, or mob violence): `attack`.
 * - Protests are people voicing a position in public, which is what our `statement` type holds;
 *   none of the other types comes closer.
 * - Strategic developments go by sub-type: agreements, bases (a `deployment`), changes within or
 *   of control by a group (`political_change`), looting and disrupted weapons use (`attack`);
 *   arrests and "Other" describe a state of affairs and become `status`.
 */
const STRATEGIC: Record<string, EventType> = {
  'agreement': 'agreement',
  'headquarters or base established': 'deployment',
  'change to group/activity': 'political_change',
  'non-violent transfer of territory': 'political_change',
  'looting/property destruction': 'attack',
  'disrupted weapons use': 'attack',
  'arrests': 'status',
  'other': 'status',
}

export function acledEventType(eventType: string, subEventType: string | null): EventType {
  const type = eventType.toLowerCase()
  const sub = (subEventType ?? '').toLowerCase()
  switch (type) {
    case 'battles':
      return sub === 'government regains territory' || sub === 'non-state actor overtakes territory' ? 'offensive' : 'attack'
    case 'explosions/remote violence':
    case 'violence against civilians':
    case 'riots':
      return 'attack'
    case 'protests':
      return 'statement'
    case 'strategic developments':
      return STRATEGIC[sub] ?? 'status'
    default:
      throw new RowError(`event_type "${eventType}" is not an ACLED event type`)
  }
}

/**
 * time_precision 1 is the day the sources give. 2 means ACLED placed the event within a week and
 * coded a day in it, 3 within a month: both are kept, 2 as an inferred day and 3 cut down to its
 * month, because a day ACLED chose is not a day any source stated.
 */
function dating(date: string, precision: number) {
  if (precision === 1) return { start: date, datePrecision: 'day', dateBasis: 'stated', dateNote: null }
  if (precision === 2) return { start: date, datePrecision: 'day', dateBasis: 'inferred', dateNote: 'ACLED time_precision 2: the date is within a week' }
  return { start: date.slice(0, 7), datePrecision: 'month', dateBasis: 'inferred', dateNote: `ACLED time_precision 3: the date is within the month (ACLED coded ${date})` }
}

export const ACLED: CsvFormat = {
  system: 'acled',
  columns: ['event_id_cnty', 'event_date', 'time_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'country',
    'admin1', 'location', 'latitude', 'longitude', 'geo_precision', 'source', 'notes', 'fatalities'],
  idColumn: 'event_id_cnty',
  recordId: (ref) => `acled-${slug(ref, 100)}`,
  plan: acledPlan,
}

function acledPlan(cells: Cells): RowPlan {
  const clips = new Clips()
  const ref = required(cells, 'event_id_cnty')
  const date = day(cells, 'event_date')
  const dates = dating(date, code(cells, 'time_precision', [1, 2, 3]))
  const eventType = required(cells, 'event_type')
  const subType = required(cells, 'sub_event_type')
  const type = acledEventType(eventType, subType)
  const names = [required(cells, 'actor1'), optional(cells, 'actor2')]
  const location = required(cells, 'location')
  const country = required(cells, 'country')
  const admin1 = optional(cells, 'admin1')
  const latitude = coordinate(cells, 'latitude')
  const longitude = coordinate(cells, 'longitude')
  const geoPrecision = code(cells, 'geo_precision', [1, 2, 3])
  const sourceNames = splitList(required(cells, 'source'))
  // Every event is cited: a cell of separators alone names no source.
  if (sourceNames.length === 0) throw new RowError(`source "${cells.source}" names no source; an event needs one to be cited`)
  // ACLED writes 0 where it counted none: an empty cell is no count, and would delete a stored one.
  const fatalities = count(cells, 'fatalities', true)
  const notes = optional(cells, 'notes')

  const actors = names.flatMap((name, i) => name ? [{ actor: actorOf(name, clips, `actor${i + 1}`), role: i === 0 ? 'initiator' as const : 'target' as const }] : [])
  const cc = countryCode(country)
  const place: Shared = {
    spec: PLACE, externalId: [country, admin1 ?? '', location].join('|'), baseId: slug(cc ? `${location} ${cc}` : location) || 'acled-place', adopt: true, column: 'location',
    payload: {
      name: clips.clip(location, 200, 'location (the place name)'), kind: 'town', latitude, longitude, countryCode: cc,
      note: `coordinates from ACLED, geo_precision ${geoPrecision} (${[admin1, country].filter(Boolean).join(', ')})`,
    },
  }
  const sources: Shared[] = sourceNames.map((name) => ({
    spec: SOURCE, externalId: name, baseId: slug(name) || 'acled-source', adopt: false, column: 'source',
    // One record stands for everything a publisher reported, so its date can only be the first it was seen with.
    payload: { publisher: clips.clip(name, 200, 'source (a publisher)'), kind: 'news_report', publishedDate: date, language: 'en', note: 'as named in the ACLED source column' },
  }))
  const title = clips.clip(`${eventType}: ${subType ? `${subType} in` : 'in'} ${location}`, 300, 'event_type, sub_event_type and location (the title)')
  const cite = (ids: Resolved) => ids.sourceIds.map((sourceId) => ({ sourceId, paragraph: null, locator: `ACLED ${ref}` }))

  return {
    eventId: ACLED.recordId(ref),
    actors, place, sources, shortened: clips.notes,
    event: (ids) => ({
      title, summary: clips.clip(notes ?? `${title} (the ACLED row has no notes)`, 5000, 'notes (the summary)'), type, ...dates, end: null, placeId: ids.placeId,
      actors: actors.map((a, i) => ({ actorId: ids.actorIds[i], role: a.role })), citations: cite(ids),
    }),
    // ACLED counts fatalities conservatively, taking the lowest figure its sources support: a
    // lower bound, hence "at least". Zero is skipped: "at least 0 killed" tells a reader nothing.
    casualty: fatalities ? (ids) => ({
      outcome: 'killed', victimGroup: eventType.toLowerCase() === 'violence against civilians' ? 'civilians' : 'people',
      low: fatalities, high: null, best: null, qualifier: 'at_least', reportedPhrase: `ACLED fatalities: ${fatalities}`,
      note: 'ACLED records the most conservative fatality count its sources support; kept as a lower bound.',
      citations: cite(ids),
    }) : null,
  }
}

function actorOf(name: string, clips: Clips, column: string): Shared {
  return { spec: ACTOR, externalId: name, baseId: slug(name) || 'acled-actor', adopt: true, column, payload: { name: clips.clip(name, 200, `${column} (an actor's name)`), kind: actorKind(name) } }
}
