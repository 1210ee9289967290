import type Database from 'better-sqlite3'
import { eq, getTableColumns, sql } from 'drizzle-orm'
import { IN_JSON, listPage, mapPage, nameOrAliasLike, type KeysetPage, type PageAt, type SqlValue } from '../../db/keyset.ts'
import { prepared } from '../../db/prepared.ts'
import { selectList } from '../../db/projection.ts'
import { actors } from '../../db/schema.ts'
import { statements } from '../../db/typed.ts'
import { lowerBound } from '../../domain/dates.ts'

/** An actor as the API gives it: its columns but the dataset version of its last write. */
export type ActorRow = Omit<typeof actors.$inferSelect, 'version'>

export interface ActorFilters { kind?: string | undefined, q?: string | undefined, affiliation?: string | undefined, updatedSince?: string | undefined }

const { version: _version, ...shown } = getTableColumns(actors)
const SELECT = selectList('a', shown)

type RawActor = Omit<ActorRow, 'aliases'> & { aliases: string }
const parse = (r: RawActor): ActorRow => ({ ...r, aliases: JSON.parse(r.aliases) as string[] })

export function listActors(sqlite: Database.Database, f: ActorFilters, limit: number, cursor?: PageAt): KeysetPage<ActorRow> {
  const where: string[] = [], params: SqlValue[] = []
  if (f.kind) { where.push('a.kind = ?'); params.push(f.kind) }
  if (f.affiliation) { where.push('a.affiliation_id = ?'); params.push(f.affiliation) }
  if (f.q) { const m = nameOrAliasLike('a', f.q); where.push(m.sql); params.push(...m.params) }
  if (f.updatedSince) { where.push('a.updated_at >= ?'); params.push(lowerBound(f.updatedSince)) }
  const page = listPage<RawActor & Record<string, unknown>>(sqlite, {
    from: 'actors a', select: SELECT, where, params, limit, cursor,
    sort: { name: 'actors:name', desc: false, columns: [{ expr: 'a.name', key: 'name' }, { expr: 'a.id', key: 'id' }] },
  })
  return mapPage(page, parse)
}

const typed = statements((db) => ({
  byId: db.select(shown).from(actors).where(eq(actors.id, sql.placeholder('id'))).prepare(),
}))

export const getActor = (sqlite: Database.Database, id: string): ActorRow | undefined => typed(sqlite).byId.get({ id })

export function actorsByIds(sqlite: Database.Database, ids: readonly string[]): ActorRow[] {
  return (prepared(sqlite, `SELECT ${SELECT} FROM actors a WHERE a.id IN ${IN_JSON}`).all(JSON.stringify(ids)) as RawActor[]).map(parse)
}
