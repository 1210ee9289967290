import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { readVersion } from '../../src/db/dataset.ts'

export const SAMPLES = join(dirname(fileURLToPath(import.meta.url)), 'samples')
export const sample = (name: string) => join(SAMPLES, name)

const TABLES = {
  events: 'events', actors: 'actors', places: 'places', sources: 'sources', casualtyReports: 'casualty_reports',
  displacementCounts: 'displacement_counts', statements: 'statements', citations: 'citations', eventActors: 'event_actors',
  statementEvents: 'statement_events', externalIds: 'external_ids', revisions: 'revisions',
} as const
export type Counts = Record<keyof typeof TABLES, number>

export function counts(sqlite: Database.Database): Counts {
  return Object.fromEntries(Object.entries(TABLES).map(([k, t]) => [k, (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n])) as Counts
}

/** How much each count grew between two readings. */
export function grew(before: Counts, after: Counts): Partial<Counts> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Counts]]))
}

export const version = (sqlite: Database.Database) => readVersion(sqlite).version

export function checkIntegrity(sqlite: Database.Database): { integrity: unknown, foreignKeys: unknown[] } {
  return { integrity: sqlite.pragma('integrity_check', { simple: true }), foreignKeys: sqlite.pragma('foreign_key_check') as unknown[] }
}

/**
 * A large ACLED-style file of valid, distinct rows, each with fatalities, so that every row makes
 * exactly one event and one casualty report. Names are synthetic.
 */
export function writeLargeAcled(path: string, rows: number): void {
  const lines = ['event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities']
  for (let i = 1; i <= rows; i++) {
    const date = `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    lines.push([`GEN${i}`, date, 1, 'Battles', 'Armed clash', `Sample Force ${i % 7}`, `Sample Band ${i % 5}`, 'Sampleland', 'North Province',
      `Sample Place ${i % 40}`, (40 + (i % 40) / 100).toFixed(2), '45.50', 1, `Sample Wire ${i % 3}`, `Generated synthetic row ${i}.`, 1 + (i % 4)].join(','))
  }
  writeFileSync(path, lines.join('\n') + '\n')
}
