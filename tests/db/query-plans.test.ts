import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { listSql } from '../../src/db/keyset.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { synthesise } from '../../src/db/synth.ts'
import { EVENT_SORTS, eventListSpec, type EventFilters } from '../../src/modules/events/queries.ts'

const FILTERS: Record<string, EventFilters> = {
  'date range': { from: '2021-01-01', to: '2021-06-30' },
  'type': { type: ['offensive'] },
  'types': { type: ['offensive', 'ceasefire'] },
  'place': { place: 'synth-place-000001' },
  'actor': { actor: 'synth-actor-000001' },
  'actor and role': { actor: 'synth-actor-000001', role: 'initiator' },
  'text': { q: 'convoy' },
  'updatedSince': { updatedSince: '2020-01-01' },
  'date range and actor': { from: '2021-01-01', to: '2021-06-30', actor: 'synth-actor-000001' },
}

describe('query plans on the synthetic dataset', () => {
  const storage = openDatabase(':memory:')
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  synthesise(storage.sqlite, { events: 5000 })
  const plan = (f: EventFilters, sort: (typeof EVENT_SORTS)[number]) => {
    const { sql, params } = listSql(eventListSpec(f, sort, 50))
    return (storage.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail)
  }

  it.each(Object.entries(FILTERS))('a filter on %s never scans the events table', (_name, filter) => {
    for (const sort of EVENT_SORTS) {
      const steps = plan(filter, sort)
      // Every access to events is a SEARCH through an index, never a SCAN of the table or of
      // an index over all of it.
      const eventSteps = steps.filter((s) => /\b(SCAN|SEARCH) e\b/.test(s))
      expect(eventSteps.length, steps.join(' | ')).toBeGreaterThan(0)
      for (const s of eventSteps) expect(s, `${sort}: ${steps.join(' | ')}`).toMatch(/^SEARCH e USING (COVERING )?INDEX/)
    }
  })

  it('the unfiltered list walks an index in sort order, with no sort step', () => {
    for (const sort of EVENT_SORTS) {
      const steps = plan({}, sort)
      expect(steps.join(' | ')).toMatch(/SCAN e USING INDEX events_(start|updated)_idx/)
      expect(steps.join(' | ')).not.toContain('TEMP B-TREE')
    }
  })
})
