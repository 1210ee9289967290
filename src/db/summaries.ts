import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { MIGRATIONS_FOLDER } from './client.ts'

const SUMMARY_TABLES = ['event_figures', 'stats_daily', 'stats_monthly', 'stats_actor_monthly', 'stats_event_keys', 'facet_counts']
const SUMMARY_TRIGGERS = /_(figures|stats|facet)_[ab][iud]$/
// event_figures first: the later statements read it.
const BACKFILL_MIGRATIONS = ['_stats_triggers.sql', '_best_within_bounds.sql', '_stats_actor_monthly.sql', '_stats_event_keys.sql']

/** The statements of the stats migrations that fill the summary tables from the records. */
function backfillStatements(): string[] {
  // Found by name, not number, so renumbering a migration on a merge does not break it.
  const files = readdirSync(MIGRATIONS_FOLDER)
  const statements = BACKFILL_MIGRATIONS.flatMap((suffix) => {
    const sql = readFileSync(join(MIGRATIONS_FOLDER, files.find((f) => f.endsWith(suffix))!), 'utf8')
    return sql.split('--> statement-breakpoint').map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter((s) => s.startsWith('INSERT INTO') || s.startsWith('UPDATE event_figures'))
  })
  // A later migration's correction of the event figures (a rule changed since) runs as soon as
  // they are filled, before the period and actor tables are summed from them.
  const fixes = statements.filter((s) => s.startsWith('UPDATE event_figures'))
  const fills = statements.filter((s) => !fixes.includes(s))
  fills.splice(fills.findIndex((s) => s.startsWith('INSERT INTO event_figures')) + 1, 0, ...fixes)
  return fills
}

/**
 * Runs a bulk load with the summary triggers off, then refills the summaries in one pass and puts
 * the triggers back: per-row upkeep doubles the time of loading a million synthetic events, and
 * a rebuild gives the same tables (a test compares them).
 */
export function withSummariesDeferred<T>(sqlite: Database.Database, load: () => T): T {
  const triggers = (sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string, sql: string }[])
    .filter((t) => SUMMARY_TRIGGERS.test(t.name))
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`)
  try {
    return load()
  } finally {
    sqlite.transaction(() => {
      for (const table of SUMMARY_TABLES) sqlite.exec(`DELETE FROM ${table}`)
      for (const statement of backfillStatements()) sqlite.exec(statement)
      for (const t of triggers) sqlite.exec(t.sql)
    })()
  }
}
