import type Database from 'better-sqlite3'
import { lowerBound } from '../domain/dates.ts'
import { prepared } from './prepared.ts'

/** Rows updated since a time, counted no further, below which a list gathers them through the update index. */
export const DENSE_UPDATES = 5000

/**
 * Whether fewer than `dense` rows of `table` were updated since `since`, counted through its
 * index on `updated_at` and no further. A sync client's pull ("what changed since") usually
 * selects a few rows; read along the list's own order, each row is checked for its update time,
 * which at a million records reads them all. Below the bound they are gathered through the
 * update index and sorted instead.
 */
export function fewUpdatedSince(sqlite: Database.Database, table: string, index: string, since: string, dense: number): boolean {
  return (prepared(sqlite, `SELECT count(*) FROM (SELECT 1 FROM ${table} INDEXED BY ${index} WHERE updated_at >= ? LIMIT ?)`)
    .pluck().get(lowerBound(since), dense) as number) < dense
}
