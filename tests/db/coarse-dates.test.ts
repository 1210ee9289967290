import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER, migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { readVersion } from '../../src/db/dataset.ts'
import { sortKeyOf } from '../../src/domain/dates.ts'

// The statements of migration 0003 that rewrite the sort keys stored under the earlier rule.
const rewrite = readFileSync(join(MIGRATIONS_FOLDER, '0003_coarse_dates_seed_state.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.split('\n').filter((l) => !l.startsWith('--')).join('\n').trim())
  .filter((s) => s.startsWith('UPDATE'))

const oldKey = (reported: string) => {
  const [y, mo = '01', d = '01'] = reported.split('-')
  return `${y}-${mo}-${d}T00:00:00.000Z`
}

describe('migration 0003: coarse dates key at the end of their period', () => {
  it('rewrites the keys stored at the start of a month or year to what sortKeyOf gives, and nothing else', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    const { sqlite } = storage
    sqlite.prepare(`INSERT INTO dataset_meta (id, version, updated_at) VALUES (1, 7, '2024-01-01T00:00:00.000Z')`).run()
    sqlite.prepare(`INSERT INTO actors (id, name, kind) VALUES ('someone', 'Someone', 'person')`).run()
    const starts = ['1991', '2023-09', '2023-12', '2024-02', '9999-12', '2023-09-19']
    const insert = sqlite.prepare(`INSERT INTO events (id, title, summary, type, start, start_utc, "end", end_utc, date_precision, date_basis, version, updated_at)
      VALUES (?, 't', 's', 'attack', ?, ?, ?, ?, 'day', 'stated', 3, '2024-01-01T00:00:00.000Z')`)
    starts.forEach((s, i) => insert.run(`e${i}`, s, oldKey(s), i === 5 ? '2023-10' : null, i === 5 ? oldKey('2023-10') : null))
    sqlite.prepare(`INSERT INTO statements (id, speaker_id, said_at, said_at_utc, date_precision, date_basis, medium, summary, version)
      VALUES ('st', 'someone', '2023-09', '2023-09-01T00:00:00.000Z', 'month', 'inferred', 'interview', 's', 3)`).run()
    sqlite.prepare(`INSERT INTO displacement_counts (id, metric, qualifier, reported_phrase, as_of, as_of_utc, as_of_precision, as_of_basis, version)
      VALUES ('dc', 'displaced', 'about', 'p', '2020', '2020-01-01T00:00:00.000Z', 'year', 'stated', 3)`).run()

    expect(rewrite).toHaveLength(4)
    sqlite.transaction(() => { for (const statement of rewrite) sqlite.exec(statement) })()

    expect(readVersion(sqlite).version).toBe(8)
    const events = sqlite.prepare('SELECT id, start, start_utc AS key, "end", end_utc AS endKey, version, updated_at AS updatedAt FROM events ORDER BY id').all() as any[]
    for (const e of events) {
      expect(e.key, e.start).toBe(sortKeyOf(e.start))
      expect(e.endKey).toBe(e.end ? sortKeyOf(e.end) : null)
      // e5 starts on a day but ends in a month: its end key moved, so it too counts as written.
      expect(e.version, e.start).toBe(8)
      expect(e.updatedAt > '2024-01-01T00:00:00.000Z').toBe(true)
    }
    expect(sqlite.prepare('SELECT said_at_utc AS k FROM statements').get()).toEqual({ k: sortKeyOf('2023-09') })
    expect(sqlite.prepare('SELECT as_of_utc AS k FROM displacement_counts').get()).toEqual({ k: sortKeyOf('2020') })
    storage.close()
  })

  it('leaves a database with only day and time dates, and its version, untouched', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    const { sqlite } = storage
    sqlite.prepare(`INSERT INTO dataset_meta (id, version, updated_at) VALUES (1, 4, '2024-01-01T00:00:00.000Z')`).run()
    sqlite.prepare(`INSERT INTO events (id, title, summary, type, start, start_utc, date_precision, date_basis, version, updated_at)
      VALUES ('d', 't', 's', 'attack', '2023-09-24T18:00+04:00', '2023-09-24T14:00:00.000Z', 'minute', 'stated', 2, '2024-01-01T00:00:00.000Z')`).run()
    sqlite.transaction(() => { for (const statement of rewrite) sqlite.exec(statement) })()
    expect(readVersion(sqlite).version).toBe(4)
    expect(sqlite.prepare('SELECT start_utc AS k, version, updated_at AS u FROM events').get())
      .toEqual({ k: '2023-09-24T14:00:00.000Z', version: 2, u: '2024-01-01T00:00:00.000Z' })
    storage.close()
  })
})
