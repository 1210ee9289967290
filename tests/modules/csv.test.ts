import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, sharedApp } from '../helper.ts'

const app = sharedApp()
const csvRows = (body: string) => parse(body, { columns: true, bom: true }) as Record<string, string>[]

describe('CSV wherever a list is served', () => {
  it.each(['/v1/search?q=ceasefire', '/v1/casualty-reports/summary'])('%s honours format=csv and Accept: text/csv alike', async (url) => {
    const json = (await app().inject({ method: 'GET', url })).json().data as unknown[]
    for (const req of [{ url: `${url}${url.includes('?') ? '&' : '?'}format=csv`, headers: {} }, { url, headers: { accept: 'text/csv' } }]) {
      const res = await app().inject({ method: 'GET', ...req })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/csv/)
      expect(res.headers.etag).toMatch(/-csv"$/)
      expect(csvRows(res.body)).toHaveLength(json.length)
    }
    // JSON is still the default, and an explicit format wins over Accept.
    const asked = await app().inject({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}format=json`, headers: { accept: 'text/csv' } })
    expect(asked.headers['content-type']).toMatch(/^application\/json/)
  })

  it('reads Accept by its q-values: a type refused with q=0 is not chosen, JSON named beside CSV wins', async () => {
    const type = async (accept: string) => String((await app().inject({ method: 'GET', url: '/v1/events?limit=1', headers: { accept } })).headers['content-type'])
    expect(await type('text/csv;q=0')).toMatch(/^application\/json/)
    expect(await type('text/csv; q=0.0, */*')).toMatch(/^application\/json/)
    expect(await type('application/json;q=0, text/csv')).toMatch(/^text\/csv/)
    expect(await type('text/csv;q=0.5')).toMatch(/^text\/csv/)
    expect(await type('text/csv, application/json')).toMatch(/^application\/json/)
    expect(await type('TEXT/CSV')).toMatch(/^text\/csv/)
  })

  it('tags an answer as CSV only when it is CSV: Accept: text/csv on a route without CSV gets JSON tagged as JSON', async () => {
    for (const url of ['/v1/events?limit=1', '/v1/events/ceasefire-2023-09-20', '/v1/dataset', '/v1/search?q=armenia', '/v1/stats/events?groupBy=type', '/v1/events.geojson', '/graphql?query=%7Bdataset%7Bversion%7D%7D']) {
      const res = await app().inject({ url, headers: { accept: 'text/csv' } })
      expect(res.statusCode, url).toBe(200)
      const csv = String(res.headers['content-type']).startsWith('text/csv')
      expect(res.headers.etag, url).toMatch(csv ? /-csv"$/ : /-json"$/)
    }
  })

  it('takes content codings whatever their case', async () => {
    const res = await app().inject({ method: 'GET', url: '/v1/events?limit=20', headers: { 'accept-encoding': 'GZIP' } })
    expect(res.headers['content-encoding']).toBe('gzip')
  })

  it('the casualty summary CSV keeps the bounds as the JSON states them', async () => {
    const rows = csvRows((await app().inject({ method: 'GET', url: '/v1/casualty-reports/summary?format=csv' })).body)
    expect(rows.find((r) => r.outcome === 'killed' && r.victim_group === 'peacekeepers')).toMatchObject({ low: '5', high: '5', reports: '/v1/casualty-reports?format=csv&outcome=killed&victimGroup=peacekeepers' })
  })

  it('the events CSV counts an exact figure given only as best as both its bounds, as the summary and stats do', async () => {
    const own = await buildTestApp()
    const editor = { authorization: `Bearer ${createKey(own.storage.sqlite, 'e', 'editor').key}` }
    const created = await own.inject({ method: 'POST', url: '/v1/casualty-reports', headers: editor, payload: {
      eventId: 'velvet-revolution-2018', outcome: 'killed', victimGroup: 'people', best: 3, qualifier: 'exact', reportedPhrase: 'three people were killed',
      citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    } })
    expect(created.statusCode).toBe(201)
    const rows = csvRows((await own.inject({ method: 'GET', url: '/v1/events?format=csv&limit=200' })).body)
    expect(rows.find((r) => r.id === 'velvet-revolution-2018')).toMatchObject({ killed_low: '3', killed_high: '3', killed_reported: 'three people were killed' })
    await own.close()
  })

  it('the events CSV names the place, the actors with their roles, the figures as reported and the sources next to the ids', async () => {
    for (const url of ['/v1/events?format=csv&limit=200', '/v1/actors/azerbaijan/events?format=csv']) {
      const rows = csvRows((await app().inject({ method: 'GET', url })).body)
      const offensive = rows.find((r) => r.id === 'azerbaijani-offensive-2023-09')!
      expect(offensive).toMatchObject({ place_id: 'nagorno-karabakh', place: 'Nagorno-Karabakh', killed_low: '200', killed_high: '' })
      expect(offensive.actors).toContain('Azerbaijan (initiator)')
      // Both reports of the attack, the toll and the five peacekeepers it may include: the sure low stays 200.
      expect(offensive.killed_reported).toBe('At least 200 people were killed | five peacekeepers were accidentally killed by Azerbaijani forces')
    }
    const all = csvRows((await app().inject({ method: 'GET', url: '/v1/events?format=csv&limit=200' })).body)
    expect(all.find((r) => r.id === 'russian-peacekeepers-killed-2023-09')).toMatchObject({ killed_low: '', killed_high: '', killed_reported: '' })
    expect(all.find((r) => r.id === 'velvet-revolution-2018')).toMatchObject({ killed_low: '', killed_high: '', killed_reported: '' })
    // Every figure of an event, as reported, and the paragraphs it is cited to.
    const offensive = all.find((r) => r.id === 'azerbaijani-offensive-2023-09')!
    expect(offensive).toMatchObject({ injured_low: '401', injured_high: '', injured_reported: 'more than 400 injured' })
    expect(offensive.sources).toMatch(/Financial Times 2023-09-24, para\. \d+/)
    expect(all.find((r) => r.id === 'refugees-arrive-southern-armenia')!.displacement_reported)
      .toBe('arrived: a total of 377 refugees had arrived in southern Armenia as of 6 pm local time on Sunday (2023-09-24T18:00+04:00)')
  })
})
