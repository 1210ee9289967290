/**
 * The fields of a brief event (what lists give) in document order, each with its column. The
 * generated column `events.brief_json` writes them as one JSON object, and events_start_brief_idx
 * keeps that text in date order, so a page of events by date is read from the index alone. The
 * column's expression is fixed by its migration: changing these fields needs a new one.
 */
export const EVENT_BRIEF_FIELDS = [
  ['id', 'id'], ['title', 'title'], ['summary', 'summary'], ['type', 'type'], ['start', 'start'], ['end', 'end'],
  ['startSortKey', 'start_utc'], ['datePrecision', 'date_precision'], ['dateBasis', 'date_basis'], ['dateNote', 'date_note'],
  ['placeId', 'place_id'], ['createdAt', 'created_at'], ['updatedAt', 'updated_at'],
] as const

/** The brief event's keys and columns as json_object's arguments, the columns prefixed by `alias.` if given. */
export const briefPairs = (alias?: string) => EVENT_BRIEF_FIELDS.map(([key, column]) => `'${key}', ${alias ? `${alias}.` : ''}"${column}"`).join(', ')

/** The brief event's JSON object as an expression over an events row. */
export const briefJson = (alias?: string) => `json_object(${briefPairs(alias)})`
