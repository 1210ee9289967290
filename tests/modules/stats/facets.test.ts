import { describe, expect, it } from 'vitest'
import { seedData } from '../../../seed/data.ts'
import { eventFacets } from '../../../src/modules/stats/facets.ts'
import { getJson, sharedApp } from '../../helper.ts'

const app = sharedApp()

describe('facets and totals on the event list', () => {
  it('counts the whole dataset per type, place and actor, with labels and narrowing links', async () => {
    const { status, body } = await getJson(app(), '/v1/events?facets=type,place,actor&count=exact&limit=2')
    expect(status).toBe(200)
    expect(body.data).toHaveLength(2)
    expect(body.meta.total).toBe(seedData.events.length)
    expect(body.meta.facetsCutShort).toEqual([])
    const types = new Map<string, number>()
    for (const e of seedData.events) types.set(e.type, (types.get(e.type) ?? 0) + 1)
    expect(Object.fromEntries(body.meta.facets.type.map((v: any) => [v.value, v.count]))).toEqual(Object.fromEntries(types))
    const pol = body.meta.facets.type.find((v: any) => v.value === 'political_change')
    expect(pol).toMatchObject({ label: 'political change', count: 3 })
    expect(pol.href).toBe('/v1/events?facets=type%2Cplace%2Cactor&count=exact&limit=2&type=political_change')
    const narrowed = await getJson(app(), pol.href)
    expect(narrowed.body.meta.total).toBe(3)
    const az = body.meta.facets.actor.find((v: any) => v.value === 'azerbaijani-armed-forces')
    const withActor = seedData.events.filter((e) => e.actors.some((a) => a.actor === 'azerbaijani-armed-forces')).length
    expect(az).toMatchObject({ label: 'Azerbaijani armed forces', count: withActor })
  })

  it('counts a filtered set by scanning it, the same as narrowing the list', async () => {
    const { body } = await getJson(app(), '/v1/events?from=2023-09&facets=actor,type&count=exact')
    expect(body.meta.total).toBe(body.data.length)
    for (const v of body.meta.facets.actor) {
      const narrowed = await getJson(app(), v.href)
      expect(narrowed.body.data.length, v.value).toBe(v.count)
    }
  })

  it('cuts a facet short when its budget is spent, instead of slowing the page', () => {
    const sqlite = app().storage.sqlite
    const spent = eventFacets(sqlite, { from: '2000' }, ['type', 'actor'], -1)
    expect(spent.cutShort).toEqual(['type', 'actor'])
    expect(spent.values).toEqual({})
    const whole = eventFacets(sqlite, { from: '2000' }, ['type'], 1000)
    expect(whole.cutShort).toEqual([])
  })

  it.each([['facets=colour', 'facets'], ['facets=type,type', 'facets'], ['count=estimate', 'count']])('refuses %s', async (q, name) => {
    const res = await getJson(app(), `/v1/events?${q}`)
    expect(res.status).toBe(400)
    expect(res.body.errors.some((e: any) => e.parameter.startsWith(name))).toBe(true)
  })
})
