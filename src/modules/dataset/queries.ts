import type Database from 'better-sqlite3'
import { readVersion } from '../../db/dataset.ts'
import { prepared } from '../../db/prepared.ts'

export const LICENCE = 'Facts compiled from the cited news report, each with its paragraph locator. '
  + 'Cite as: Conflict Timeline API dataset, version N, with the original source of each figure.'

const TABLES = {
  events: 'events', actors: 'actors', places: 'places', sources: 'sources', statements: 'statements',
  casualtyReports: 'casualty_reports', displacementCounts: 'displacement_counts', citations: 'citations',
} as const

export type RecordCounts = Record<keyof typeof TABLES, number>

export function datasetInfo(sqlite: Database.Database) {
  const counts = Object.fromEntries(Object.entries(TABLES).map(([key, table]) =>
    [key, (prepared(sqlite, `SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n])) as RecordCounts
  const v = readVersion(sqlite)
  return { version: v.version, updatedAt: v.updatedAt, counts, licence: LICENCE }
}
