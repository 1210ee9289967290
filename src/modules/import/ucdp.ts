import type { PlaceKind } from '../../domain/vocabulary.ts'
import { RESOURCE_BY_TYPE } from '../curation/resources.ts'
import type { CsvFormat, Resolved, RowPlan } from './csv.ts'
import { actorKind, Clips, code, count, countryCode, coordinate, day, isCalendarDay, optional, required, slug, splitList, type Cells } from './fields.ts'
import { RowError } from './report.ts'
import type { Shared } from './store.ts'

const ACTOR = RESOURCE_BY_TYPE.get('actor')!
const PLACE = RESOURCE_BY_TYPE.get('place')!
const SOURCE = RESOURCE_BY_TYPE.get('source')!

const VIOLENCE: Record<string, string> = { 1: 'State-based violence', 2: 'Non-state violence', 3: 'One-sided violence' }

/**
 * UCDP GED date_prec, from 1 (the exact day) to 5 (only the year). 1 keeps date_start (and
 * date_end when the event lasted several days) as stated. 2 and 3 give a span of days to a week in
 * which the event fell: kept as that span of days, inferred. 4 (within a month) and 5 (within a
 * year) are cut to the month or year, since the days UCDP gives are the bounds of its uncertainty,
 * not dates a source named.
 */
function dating(start: string, end: string, precision: number) {
  if (end < start) throw new RowError(`date_end ${end} is before date_start ${start}`)
  const span = end === start ? null : end
  switch (precision) {
    case 1: return { start, end: span, datePrecision: 'day', dateBasis: 'stated', dateNote: null }
    case 2:
    case 3: return { start, end: span, datePrecision: 'day', dateBasis: 'inferred', dateNote: `UCDP date_prec ${precision}: the event happened between ${start} and ${end}` }
    case 4: {
      const [a, b] = [start.slice(0, 7), end.slice(0, 7)]
      return { start: a, end: a === b ? null : b, datePrecision: 'month', dateBasis: 'inferred', dateNote: `UCDP date_prec 4: the event happened between ${start} and ${end}` }
    }
    default: {
      const [a, b] = [start.slice(0, 4), end.slice(0, 4)]
      return { start: a, end: a === b ? null : b, datePrecision: 'year', dateBasis: 'inferred', dateNote: `UCDP date_prec 5: the event happened between ${start} and ${end}` }
    }
  }
}

/** where_prec 1-2 is a named place or near one, 3 a second-order division, 4-5 a first-order one or a larger area, 6-7 a country or beyond. */
function placeKind(wherePrec: number | null): PlaceKind {
  if (wherePrec === null || wherePrec <= 2) return 'town'
  if (wherePrec === 3) return 'area'
  return wherePrec <= 5 ? 'region' : 'country'
}

export const UCDP: CsvFormat = {
  system: 'ucdp',
  columns: ['id', 'date_start', 'date_end', 'date_prec', 'side_a', 'side_b', 'where_coordinates', 'latitude', 'longitude',
    'best', 'low', 'high', 'source_article', 'country'],
  idColumn: 'id',
  recordId: (ref) => `ucdp-${slug(ref, 100)}`,
  plan: ucdpPlan,
}

function ucdpPlan(cells: Cells): RowPlan {
  const clips = new Clips()
  const ref = required(cells, 'id')
  const start = day(cells, 'date_start')
  const dates = dating(start, day(cells, 'date_end'), code(cells, 'date_prec', [1, 2, 3, 4, 5]))
  const sideA = required(cells, 'side_a')
  const sideB = required(cells, 'side_b')
  const where = required(cells, 'where_coordinates')
  const country = required(cells, 'country')
  const latitude = coordinate(cells, 'latitude')
  const longitude = coordinate(cells, 'longitude')
  const best = count(cells, 'best')
  const low = count(cells, 'low')
  const high = count(cells, 'high')
  if (best === null) throw new RowError('best is empty')
  if (low !== null && low > best) throw new RowError(`low ${low} is above best ${best}`)
  if (high !== null && high < best) throw new RowError(`high ${high} is below best ${best}`)
  const articles = splitList(required(cells, 'source_article'))
  // Every event is cited: a cell of separators alone names no source.
  if (articles.length === 0) throw new RowError(`source_article "${cells.source_article}" names no source; an event needs one to be cited`)
  // Optional columns: read when the file has them.
  const violence = optional(cells, 'type_of_violence')
  const wherePrec = cells.where_prec !== undefined ? count(cells, 'where_prec') : null
  const dyad = optional(cells, 'dyad_name')

  // UCDP lists the government first in a state-based dyad whoever attacked, so side order says
  // nothing about who started: both are parties. Only one-sided violence has a clear initiator
  // (side_a) and target (side_b, the civilians).
  const oneSided = violence === '3'
  const actors = [
    { actor: actorOf(sideA, clips, 'side_a'), role: oneSided ? 'initiator' as const : 'party' as const },
    { actor: actorOf(sideB, clips, 'side_b'), role: oneSided ? 'target' as const : 'party' as const },
  ]
  const cc = countryCode(country)
  const place: Shared = {
    spec: PLACE, externalId: [country, where].join('|'), baseId: slug(cc ? `${where} ${cc}` : where) || 'ucdp-place', adopt: true, column: 'where_coordinates',
    payload: {
      name: clips.clip(where, 200, 'where_coordinates (the place name)'), kind: placeKind(wherePrec), latitude, longitude, countryCode: cc,
      note: `coordinates from UCDP GED${wherePrec === null ? '' : `, where_prec ${wherePrec}`} (${country})`,
    },
  }
  const sources = articles.map((article) => sourceOf(article, start, clips))
  const title = clips.clip(`${VIOLENCE[violence ?? ''] ?? 'Organised violence'}: ${sideA} – ${sideB} near ${where}`, 300, 'side_a, side_b and where_coordinates (the title)')
  const range = [low !== null ? `low ${low}` : null, high !== null ? `high ${high}` : null].filter(Boolean).join(', ')
  const summary = `${dyad ?? `${sideA} – ${sideB}`} near ${where}, ${country}: UCDP GED event ${ref}, best estimate ${best} killed${range ? ` (${range})` : ''}.`
  const cite = (ids: Resolved) => ids.sourceIds.map((sourceId) => ({ sourceId, paragraph: null, locator: `UCDP GED ${ref}` }))

  return {
    eventId: UCDP.recordId(ref),
    actors, place, sources, shortened: clips.notes,
    event: (ids) => ({
      title, summary: clips.clip(summary, 5000, 'dyad_name, side_a, side_b and where_coordinates (the summary)'), type: 'attack', ...dates, placeId: ids.placeId,
      actors: actors.map((a, i) => ({ actorId: ids.actorIds[i], role: a.role })), citations: cite(ids),
    }),
    // UCDP's best is its most likely count between its low and high bounds: "about best".
    casualty: (ids) => ({
      outcome: 'killed', victimGroup: 'people', low, high, best, qualifier: 'about',
      reportedPhrase: `UCDP GED best estimate ${best} killed${range ? ` (${range})` : ''}`,
      note: 'UCDP GED estimate: best is the most likely count, low and high its bounds.',
      citations: cite(ids),
    }),
  }
}

function actorOf(name: string, clips: Clips, column: string): Shared {
  return { spec: ACTOR, externalId: name, baseId: slug(name) || 'ucdp-actor', adopt: true, column, payload: { name: clips.clip(name, 200, `${column} (an actor's name)`), kind: actorKind(name) } }
}

/**
 * GED's source_article cells read "Publisher, YYYY-MM-DD, Headline", several joined by ';'. When
 * a piece has that shape its date and headline are kept; otherwise the piece is the publisher and
 * the event's start date stands in for the publication date.
 */
function sourceOf(article: string, eventStart: string, clips: Clips): Shared {
  const m = /^(.+?),\s*(\d{4}-\d{2}-\d{2})\s*(?:,\s*(.+))?$/.exec(article)
  const publisher = m ? m[1]!.trim() : article
  const published = m && isCalendarDay(m[2]!) ? m[2]! : eventStart
  return {
    spec: SOURCE, externalId: article, baseId: slug(`${publisher} ${published}`) || 'ucdp-source', adopt: false, column: 'source_article',
    payload: {
      publisher: clips.clip(publisher, 200, 'source_article (a publisher)'), title: m?.[3] ? clips.clip(m[3].trim(), 500, 'source_article (a headline)') : null, kind: 'news_report', publishedDate: published,
      // GED does not give the language of its sources; "und" is the BCP 47 tag for undetermined.
      language: 'und', note: 'as named in the UCDP GED source_article column',
    },
  }
}
