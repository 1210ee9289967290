import type Database from 'better-sqlite3'
import { actorsByIds } from '../modules/actors/queries.ts'
import { placesByIds } from '../modules/places/queries.ts'

export interface Ref { id: string, name: string }

/** Looks up names for a batch of ids in one statement; `get(id)` then gives a ref or null. */
function refResolver(load: (ids: string[]) => { id: string, name: string }[]) {
  return (ids: (string | null)[]) => {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))]
    const byId = new Map(wanted.length ? load(wanted).map((r) => [r.id, { id: r.id, name: r.name }]) : [])
    return (id: string | null): Ref | null => (id === null ? null : byId.get(id) ?? null)
  }
}

export const actorRefs = (sqlite: Database.Database, ids: (string | null)[]) => refResolver((w) => actorsByIds(sqlite, w))(ids)
export const placeRefs = (sqlite: Database.Database, ids: (string | null)[]) => refResolver((w) => placesByIds(sqlite, w))(ids)
