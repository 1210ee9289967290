import type Database from 'better-sqlite3'
import { eq, getTableColumns, sql } from 'drizzle-orm'
import { idRows, IN_JSON, listPage, mapPage, nameOrAliasLike, type KeysetPage, type PageAt, type SqlValue } from '../../db/keyset.ts'
import { allRows, prepared } from '../../db/prepared.ts'
import { places } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import { narrowSelect, selectList } from '../../db/projection.ts'
import { lowerBound } from '../../domain/dates.ts'

/** A place as the API gives it: its columns but the dataset version of its last write. */
export type PlaceRow = Omit<typeof places.$inferSelect, 'version'>

export interface PlaceFilters { kind?: string | undefined, country?: string | undefined, q?: string | undefined, updatedSince?: string | undefined }

const { version: _version, ...shown } = getTableColumns(places)
const SELECT = selectList('p', shown)

type RawPlace = Omit<PlaceRow, 'aliases'> & { aliases: string }
const parse = (r: RawPlace): PlaceRow => ({ ...r, aliases: JSON.parse(r.aliases) as string[] })

export function listPlaces(sqlite: Database.Database, f: PlaceFilters, limit: number, cursor?: PageAt): KeysetPage<PlaceRow> {
  const where: string[] = [], params: SqlValue[] = []
  if (f.kind) { where.push('p.kind = ?'); params.push(f.kind) }
  if (f.country) { where.push('p.country_code = ?'); params.push(f.country.toUpperCase()) }
  if (f.q) { const m = nameOrAliasLike('p', f.q); where.push(m.sql); params.push(...m.params) }
  if (f.updatedSince) { where.push('p.updated_at >= ?'); params.push(lowerBound(f.updatedSince)) }
  const page = listPage<RawPlace & Record<string, unknown>>(sqlite, {
    from: 'places p', select: SELECT, where, params, limit, cursor,
    sort: { name: 'places:name', desc: false, columns: [{ expr: 'p.name', key: 'name' }, { expr: 'p.id', key: 'id' }] },
  })
  return mapPage(page, parse)
}

const typed = statements((db) => ({
  byId: db.select(shown).from(places).where(eq(places.id, sql.placeholder('id'))).prepare(),
}))

export const getPlace = (sqlite: Database.Database, id: string): PlaceRow | undefined => typed(sqlite).byId.get({ id })

export function placesByIds(sqlite: Database.Database, ids: readonly string[]): PlaceRow[] {
  return (prepared(sqlite, `SELECT ${SELECT} FROM places p WHERE p.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as RawPlace[]).map(parse)
}

/** The keys of a brief place: where it is, without aliases, notes and bookkeeping (see placesBriefByIds). */
export const PLACE_BRIEF_KEYS: readonly (keyof PlaceRow)[] = ['id', 'name', 'kind', 'latitude', 'longitude', 'countryCode', 'parentId']

/** placesByIds with rows holding only PLACE_BRIEF_KEYS, read from places_brief_idx alone: for readers that know they need no more. */
export function placesBriefByIds(sqlite: Database.Database, ids: readonly string[]): PlaceRow[] {
  const j = idRows(ids)
  return allRows<PlaceRow>(prepared(sqlite, `SELECT ${narrowSelect(SELECT, PLACE_BRIEF_KEYS)} FROM places p INDEXED BY places_brief_idx WHERE p.id IN (SELECT value FROM ${j.sql})`), j.params)
}
