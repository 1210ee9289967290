import type Database from 'better-sqlite3'
import { bumpVersion } from '../src/db/dataset.ts'
import { sortKeyOf } from '../src/domain/dates.ts'

/**
 * Adds `n` synthetic events to a seeded database, each with actors, a place, a casualty report, a
 * statement and citations, so that relation batching can be measured on pages larger than the seed.
 */
export function addSyntheticEvents(sqlite: Database.Database, n: number): void {
  const places = ['yevlakh', 'baku', 'yerevan', 'nagorno-karabakh']
  const actors = ['azerbaijan', 'armenia', 'russia', 'nikol-pashinyan']
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `synthetic-${String(i).padStart(5, '0')}`
      const day = `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`
      sqlite.prepare(`INSERT INTO events (id, title, summary, type, start, start_utc, date_precision, date_basis, place_id)
        VALUES (?, ?, ?, 'statement', ?, ?, 'day', 'stated', ?)`).run(id, `Synthetic event ${i}`, `Generated for tests ${i}`, day, sortKeyOf(day), places[i % places.length])
      sqlite.prepare(`INSERT INTO event_actors (event_id, actor_id, role) VALUES (?, ?, 'party'), (?, ?, 'target')`)
        .run(id, actors[i % actors.length], id, actors[(i + 1) % actors.length])
      sqlite.prepare(`INSERT INTO casualty_reports (id, event_id, outcome, victim_group, low, qualifier, reported_phrase, reported_by_id)
        VALUES (?, ?, 'killed', 'people', ?, 'at_least', 'at least some', ?)`).run(`${id}-killed`, id, i, actors[i % actors.length])
      sqlite.prepare(`INSERT INTO statements (id, speaker_id, said_at, said_at_utc, date_precision, date_basis, medium, summary)
        VALUES (?, ?, ?, ?, 'day', 'stated', 'interview', 'Synthetic statement')`).run(`${id}-said`, actors[i % actors.length], day, sortKeyOf(day))
      sqlite.prepare('INSERT INTO statement_events (statement_id, event_id) VALUES (?, ?)').run(`${id}-said`, id)
      for (const [type, rid] of [['event', id], ['casualty_report', `${id}-killed`], ['statement', `${id}-said`]]) {
        sqlite.prepare(`INSERT INTO citations (record_type, record_id, source_id, paragraph, locator) VALUES (?, ?, 'ft-2023-09-24', 1, 'para. 1')`).run(type, rid)
      }
    }
    bumpVersion(sqlite)
  })()
}
