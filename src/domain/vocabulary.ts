// Controlled vocabularies shared by the seed, the REST schemas and the GraphQL enums.
// GraphQL enum values are the upper-case forms of these strings.

export const ACTOR_KINDS = [
  'state', 'government', 'armed_forces', 'armed_group', 'peacekeeping_force', 'person',
  'civilian_population', 'media_outlet', 'international_organisation', 'authority',
] as const

export const PLACE_KINDS = ['country', 'region', 'city', 'town', 'area'] as const

export const EVENT_TYPES = [
  'offensive', 'ceasefire', 'negotiation', 'agreement', 'displacement', 'statement',
  'political_change', 'deployment', 'diplomatic_contact', 'attack', 'status',
] as const

export const ACTOR_ROLES = ['initiator', 'target', 'party', 'mediator', 'speaker', 'affected', 'observer'] as const

export const DATE_PRECISIONS = ['minute', 'hour', 'day', 'month', 'year'] as const
export const DATE_BASES = ['stated', 'inferred', 'external'] as const

export const QUALIFIERS = ['exact', 'at_least', 'more_than', 'about', 'up_to'] as const
export const CASUALTY_OUTCOMES = ['killed', 'injured', 'missing'] as const
export const VICTIM_GROUPS = ['people', 'civilians', 'combatants', 'peacekeepers'] as const

export const DISPLACEMENT_METRICS = ['arrived', 'displaced', 'population_at_risk', 'departed'] as const

export const SOURCE_KINDS = ['news_report', 'official_statement', 'media_report_relayed'] as const

export const STATEMENT_MEDIA = [
  'address_to_the_nation', 'interview', 'speech', 'official_statement', 'press_remarks', 'reported_remarks',
] as const

export const RECORD_TYPES = ['event', 'actor', 'place', 'casualty_report', 'displacement_count', 'statement'] as const

/**
 * The largest figure a casualty report or displacement count may give: a billion, more than any
 * count of people a report states, and small enough that sums over millions of records stay exact
 * integers in JavaScript and SQLite.
 */
export const FIGURE_MAX = 1_000_000_000

export type ActorKind = (typeof ACTOR_KINDS)[number]
export type PlaceKind = (typeof PLACE_KINDS)[number]
export type EventType = (typeof EVENT_TYPES)[number]
export type ActorRole = (typeof ACTOR_ROLES)[number]
export type DatePrecision = (typeof DATE_PRECISIONS)[number]
export type DateBasis = (typeof DATE_BASES)[number]
export type Qualifier = (typeof QUALIFIERS)[number]
export type RecordType = (typeof RECORD_TYPES)[number]
export type CasualtyOutcome = (typeof CASUALTY_OUTCOMES)[number]
export type VictimGroup = (typeof VICTIM_GROUPS)[number]
export type DisplacementMetric = (typeof DISPLACEMENT_METRICS)[number]
export type SourceKind = (typeof SOURCE_KINDS)[number]
export type StatementMedium = (typeof STATEMENT_MEDIA)[number]
