import { describe, expect, it } from 'vitest'
import { jsonPage, listPage } from '../../../src/db/keyset.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { denseWords, EVENT_SORTS, eventJsonSpec, eventListSpec, listEvents, listEventsJson, type EventFilters, type EventRow } from '../../../src/modules/events/queries.ts'
import { buildTestApp } from '../../helper.ts'

// Lists filtered by words found in most events check each event in the list's order instead of
// gathering every match; the pages must be the ones gathering gives.
describe('lists of dense words', () => {
  it('probe event by event and give the pages that gathering the matches gives', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    synthesise(sqlite, { events: 3000 })
    // Every synthetic summary has "record"; "ceasefire" is in some of them; the seed's words are rare.
    expect(denseWords(sqlite, { q: 'record' }, 'date')).toBe('"record"')
    expect(denseWords(sqlite, { q: 'Yevlakh' }, 'date')).toBeUndefined()
    expect(denseWords(sqlite, { q: 'record', type: ['attack'] }, 'date')).toBeUndefined()
    expect(denseWords(sqlite, { q: 'record', from: '2021-01' }, 'updated')).toBeUndefined()
    let compared = 0
    for (const f of [{ q: 'record' }, { q: 'record', from: '2021-03', to: '2021-09' }, { q: 'Record ceasefire' }, { q: 'rec' }] as EventFilters[]) {
      for (const sort of EVENT_SORTS) {
        const probe = denseWords(sqlite, f, sort)
        let cursor: string | undefined
        for (let page = 0; page < 3; page++) {
          const gathered = listPage<EventRow>(sqlite, eventListSpec(f, sort, 40, cursor))
          const probed = listEvents(sqlite, f, sort, 40, cursor)
          const label = `${JSON.stringify(f)} ${sort} page ${page} probe ${probe}`
          expect(probed.rows, label).toEqual(gathered.rows)
          expect(probed.nextCursor, label).toBe(gathered.nextCursor)
          expect(probed.hasPrevious(), label).toBe(gathered.hasPrevious())
          expect(probed.count(), label).toBe(gathered.count())
          const json = eventJsonSpec(f, sort, 40, cursor)
          expect(listEventsJson(sqlite, f, sort, 40, cursor), label).toEqual(jsonPage(sqlite, json.spec, json.json))
          if (probe) compared++
          cursor = gathered.nextCursor ?? undefined
          if (!cursor) break
        }
      }
    }
    // The probing path was taken, not only the gathering one.
    expect(compared).toBeGreaterThan(10)
  })
})
