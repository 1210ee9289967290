import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../../helper.ts'
import { countEvents, eventWhere, type EventFilters } from '../../../src/modules/events/queries.ts'

// A count of events selected by id (words, an actor, a figure range) beside a type reads each
// match's type from events_stats_id_idx; left to itself SQLite read it from the event's whole row.
describe('counting filtered events', () => {
  const storage = seededMemoryDatabase(3000)
  const actor = (storage.sqlite.prepare('SELECT actor_id FROM event_actors GROUP BY actor_id ORDER BY count(*) DESC LIMIT 1').pluck().get()) as string

  /** The count and the plan of the statement countEvents runs. */
  const counted = (f: EventFilters) => {
    const plans: string[] = []
    const spy = new Proxy(storage.sqlite, {
      get(target, key) {
        if (key !== 'prepare') return Reflect.get(target, key, target)
        return (sql: string) => {
          if (sql.startsWith('SELECT count(*)')) plans.push(sql)
          return target.prepare(sql)
        }
      },
    }) as Database.Database
    const n = countEvents(spy, f)
    const w = eventWhere(f)
    const plan = plans.flatMap((sql) => (storage.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...w.params) as { detail: string }[]).map((r) => r.detail)).join(' | ')
    // The same conditions over the table as the planner reads it: the same number.
    const plain = storage.sqlite.prepare(`SELECT count(*) FROM events e WHERE ${w.where.join(' AND ')}`).pluck().get(...w.params) as number
    return { n, plain, plan }
  }

  it('reads the type of events chosen by id from the index holding it', () => {
    for (const f of [{ type: ['negotiation', 'agreement'], minKilled: 1 }, { q: 'convoy', type: ['attack'] }, { actor, type: ['attack', 'offensive'] }, { maxDisplaced: 100000, type: ['displacement'] }] as EventFilters[]) {
      const { n, plain, plan } = counted(f)
      expect(plan, JSON.stringify(f)).toMatch(/SEARCH e USING COVERING INDEX events_stats_id_idx \(id=\?\)/)
      expect(n, JSON.stringify(f)).toBe(plain)
      expect(n, JSON.stringify(f)).toBeGreaterThan(0)
    }
  })

  it('leaves the rest to the planner: the primary key alone, a place\'s index, or rows for their update time', () => {
    for (const f of [{ q: 'convoy' }, { minKilled: 1 }, { actor }, { minKilled: 1, type: ['attack'], updatedSince: '2000' }, { q: 'convoy', type: ['attack'], place: 'synth-place-000001' }] as EventFilters[]) {
      const { n, plain, plan } = counted(f)
      expect(plan, JSON.stringify(f)).not.toMatch(/events_stats_id_idx/)
      expect(n, JSON.stringify(f)).toBe(plain)
    }
  })
})
