import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { seededMemoryDatabase } from '../../helper.ts'
import type { EventFilters } from '../../../src/modules/events/queries.ts'
import { EVENT_TYPES } from '../../../src/domain/vocabulary.ts'
import { eventStats, type StatsOptions } from '../../../src/modules/stats/queries.ts'

describe('stats query plans on the synthetic dataset', () => {
  const storage = seededMemoryDatabase(3000)

  /** The plan of the grouping statement eventStats runs, with the parameters it runs it with. */
  const planOf = (f: EventFilters, o: Omit<StatsOptions, 'limit'>) => {
    const db = storage.sqlite
    const steps: string[] = []
    const spy = new Proxy(db, {
      get(target, key) {
        if (key !== 'prepare') return Reflect.get(target, key, target)
        return (sql: string) => {
          const stmt = target.prepare(sql)
          if (!sql.startsWith('SELECT * FROM (')) return stmt
          const iterate = stmt.iterate.bind(stmt)
          return Object.assign(stmt, {
            iterate: (...params: unknown[]) => {
              steps.push(...(target.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail))
              return iterate(...params)
            },
          })
        }
      },
    }) as Database.Database
    const page = eventStats(spy, f, { limit: 1000, ...o })
    expect(page.rows.length).toBeGreaterThan(0)
    return { source: page.source, plan: steps.join(' | ') }
  }

  it('a word reaches the events through stats_event_keys by the index rowid, and their figures through one index', () => {
    for (const f of [{ q: 'convoy' }, { q: 'convoy', from: '2021', to: '2021' }, { q: 'convoy', minKilled: 1 }]) {
      const { plan } = planOf(f, { groupBy: ['type'] })
      expect(plan).toMatch(/SCAN search_index VIRTUAL TABLE/)
      expect(plan).toMatch(/SEARCH e USING INTEGER PRIMARY KEY/)
      expect(plan).not.toMatch(/search_keys|events_stats_id_idx/)
      expect(plan).toMatch(/SEARCH f USING COVERING INDEX event_figures_cover_idx \(event_id=\?\)/)
    }
  })

  it('a figure range alone lists its events by the bound\'s index and reads each in the index holding the grouped columns', () => {
    for (const f of [{ minKilled: 1 }, { maxKilled: 1000 }, { minDisplaced: 1 }, { minKilled: 0, type: ['attack', 'offensive'] }] as EventFilters[]) {
      const { plan } = planOf(f, { groupBy: ['type'] })
      expect(plan, JSON.stringify(f)).toMatch(/event_figures_(low|high)_idx/)
      expect(plan, JSON.stringify(f)).toMatch(/SEARCH e USING COVERING INDEX events_stats_id_idx \(id=\?\)/)
    }
  })

  it('beside updatedSince, a word reads the events themselves (the keys table has no such column)', () => {
    expect(planOf({ q: 'convoy', updatedSince: '2000' }, { groupBy: ['type'] }).plan).toMatch(/search_keys/)
  })

  it('grouping by actor over whole months reads a month range of stats_actor_monthly, and nothing else', () => {
    for (const o of [{ groupBy: ['actor'] }, { groupBy: ['period', 'actor'], period: 'quarter' }] as const) {
      const { source, plan } = planOf({ from: '2021-02', to: '2021-04' }, o)
      expect(source).toBe('summary')
      expect(plan).toMatch(/SEARCH d USING PRIMARY KEY \(month>\? AND month<\?\)/)
      expect(plan).not.toMatch(/event_actors|events|event_figures/)
    }
  })

  it('grouping by actor alone over the whole dataset walks the actor index in actor order, from its cursor, with no sort', () => {
    const page = eventStats(storage.sqlite, {}, { groupBy: ['actor'], limit: 5 })
    for (const cursor of [undefined, page.nextCursor!]) {
      const { source, plan } = planOf({}, { groupBy: ['actor'], ...(cursor ? { cursor } : {}) })
      expect(source).toBe('summary')
      expect(plan).toMatch(cursor ? /SEARCH d USING COVERING INDEX stats_actor_monthly_actor_idx \(actor_id>\?\)/ : /SCAN d USING COVERING INDEX stats_actor_monthly_actor_idx/)
      expect(plan).not.toMatch(/TEMP B-TREE/)
    }
    // The pages are the ones grouping the events themselves gives: a filter on every type sends the
    // same grouping to the events.
    const viaEvents = eventStats(storage.sqlite, { type: [...EVENT_TYPES] }, { groupBy: ['actor'], limit: 100_000 })
    expect(viaEvents.source).toBe('events')
    const paged: unknown[] = []
    let cursor: string | undefined
    do {
      const p = eventStats(storage.sqlite, {}, { groupBy: ['actor'], limit: 7, ...(cursor ? { cursor } : {}) })
      paged.push(...p.rows)
      cursor = p.nextCursor ?? undefined
    } while (cursor)
    expect(paged.length).toBeGreaterThan(20)
    expect(paged).toEqual(viaEvents.rows)
  })

  it('grouping by actor over days that hold whole months reads those months in the summary, and only the days around them in the events', () => {
    const { source, plan } = planOf({ from: '2021-02-03', to: '2021-05-10' }, { groupBy: ['actor'] })
    expect(source).toBe('summary')
    expect(plan).toMatch(/SEARCH d USING PRIMARY KEY \(month>\? AND month<\?\)/)
    expect(plan.match(/SEARCH e USING (COVERING )?INDEX \w+ \(start_utc>\? AND start_utc<\?\)/g)).toHaveLength(2)
  })

  it('grouping by actor within a month, under a type or by week groups the events themselves', () => {
    for (const [f, o] of [
      [{ from: '2021-02-03', to: '2021-02-20' }, { groupBy: ['actor'] }],
      [{ from: '2021-02', type: ['attack'] }, { groupBy: ['actor'] }],
      [{ from: '2021-02' }, { groupBy: ['actor', 'period'], period: 'week' }],
      [{ from: '2021-02' }, { groupBy: ['actor', 'type'] }],
    ] as [EventFilters, Omit<StatsOptions, 'limit'>][]) {
      const { source, plan } = planOf(f, o)
      expect(source, JSON.stringify([f, o])).toBe('events')
      expect(plan).toMatch(/event_actors/)
    }
  })
})
