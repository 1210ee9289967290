import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { bumpVersion, readVersion } from '../../src/db/dataset.ts'
import { synthesise } from '../../src/db/synth.ts'
import { EXPORT_RESOURCES, RECORD_TYPE } from '../../src/modules/export/plan.ts'
import { openSnapshotCount } from '../../src/modules/export/stream.ts'
import { toGeoJson, toTimelineJs } from '../../src/modules/timeline/formats.ts'
import { eventViews } from '../../src/modules/timeline/queries.ts'
import { buildTestApp, getJson, sharedApp, tempDir } from '../helper.ts'

const app = sharedApp()
const get = (url: string) => app().inject({ method: 'GET', url })
const API_COUNTS: Record<string, string> = { sources: 'sources', actors: 'actors', places: 'places', events: 'events', casualtyReports: 'casualtyReports', displacementCounts: 'displacementCounts', statements: 'statements', citations: 'citations' }

describe('exports', () => {
  it('NDJSON: a meta line, then one typed record per line, counts equal to the API counts', async () => {
    const res = await get('/v1/export?format=ndjson')
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/)
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l))
    const [meta, ...records] = lines
    expect(meta.type).toBe('meta')
    expect(String(meta.datasetVersion)).toBe(res.headers['x-dataset-version'])
    const byType: Record<string, number> = {}
    for (const r of records) byType[r.type] = (byType[r.type] ?? 0) + 1
    for (const resource of EXPORT_RESOURCES) expect(byType[RECORD_TYPE[resource]] ?? 0, resource).toBe(meta.counts[resource])
    const dataset = (await getJson(app(), '/v1/dataset')).body.data
    for (const [resource, key] of Object.entries(API_COUNTS)) expect(meta.counts[resource], resource).toBe(dataset.counts[key])
    // The citation asked for names the version the data comes from.
    expect(meta.licence).toContain(`Cite as: Conflict Timeline API dataset, version ${meta.datasetVersion},`)
    expect(dataset.licence).toContain(`version ${dataset.version},`)
  })

  it('JSON: one document with a meta block and an array per resource', async () => {
    const doc = JSON.parse((await get('/v1/export?format=json')).body)
    for (const resource of EXPORT_RESOURCES) expect(doc[resource], resource).toHaveLength(doc.meta.counts[resource])
    const killed = doc.casualtyReports.find((c: any) => c.id === 'offensive-killed-at-least-200')
    expect(killed).toMatchObject({ low: 200, high: null, qualifier: 'at_least', reportedPhrase: 'At least 200 people were killed' })
    expect(doc.actors.find((a: any) => a.id === 'kremlin').aliases).toEqual(expect.any(Array))
  })

  it('CSV: one resource per file, parseable, bounds and precision as columns', async () => {
    for (const resource of EXPORT_RESOURCES) {
      const res = await get(`/v1/export?format=csv&resource=${resource}`)
      const rows = parse(res.body, { columns: true, bom: true }) as Record<string, string>[]
      const meta = JSON.parse((await get(`/v1/export/manifest?format=csv&resource=${resource}`)).body).data
      expect(rows, resource).toHaveLength(meta.counts[resource])
    }
    const events = parse((await get('/v1/export?format=csv&resource=events')).body, { columns: true, bom: true }) as Record<string, string>[]
    expect(Object.keys(events[0]!)).toEqual(expect.arrayContaining(['date_precision', 'date_basis', 'date_note', 'start_sort_key']))
  })

  it('two exports of one version are byte-identical, and the manifest digest is theirs', async () => {
    for (const format of ['ndjson', 'json', 'csv']) {
      const a = await get(`/v1/export?format=${format}&type=offensive,displacement`)
      const b = await get(`/v1/export?format=${format}&type=offensive,displacement`)
      expect(a.rawPayload.equals(b.rawPayload)).toBe(true)
      const manifest = JSON.parse((await get(`/v1/export/manifest?format=${format}&type=offensive,displacement`)).body).data
      expect(manifest.sha256).toBe(createHash('sha256').update(a.rawPayload).digest('hex'))
      expect(manifest.bytes).toBe(a.rawPayload.length)
    }
  })

  it('Accept does not choose an export\'s format, nor the tag of what is sent', async () => {
    const ndjson = await app().inject({ url: '/v1/export', headers: { accept: 'text/csv' } })
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/)
    expect(ndjson.headers.etag).toMatch(/^"v\d+-json"$/)
    const csv = await get('/v1/export?format=csv&resource=events')
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.headers.etag).toMatch(/^"v\d+-csv"$/)
    // A manifest is JSON whatever export it describes.
    for (const headers of [{}, { accept: 'text/csv' }]) {
      const manifest = await app().inject({ url: '/v1/export/manifest?format=csv&resource=events', headers })
      expect(manifest.headers['content-type']).toMatch(/^application\/json/)
      expect(manifest.headers.etag).toMatch(/^"v\d+-json"$/)
    }
  })

  it('filters select the same events as the list, with the records they need', async () => {
    for (const qs of ['type=offensive', 'from=2023-09-20&to=2023-09-21', 'actor=nikol-pashinyan', 'q=refugees']) {
      const listed = (await getJson(app(), `/v1/events?limit=200&${qs}`)).body.data.map((e: any) => e.id).sort()
      const doc = JSON.parse((await get(`/v1/export?format=json&${qs}`)).body)
      expect(doc.events.map((e: any) => e.id).sort(), qs).toEqual(listed)
      const actors = new Set(doc.actors.map((a: any) => a.id))
      for (const link of doc.eventActors) expect(actors.has(link.actorId), `${qs}: ${link.actorId}`).toBe(true)
      for (const a of doc.actors) if (a.affiliationId) expect(actors.has(a.affiliationId)).toBe(true)
      const sources = new Set(doc.sources.map((s: any) => s.id))
      for (const c of doc.citations) expect(sources.has(c.sourceId)).toBe(true)
    }
  })

  it('updatedSince in the future exports nothing but the meta', async () => {
    const doc = JSON.parse((await get('/v1/export?format=json&updatedSince=2999-01-01')).body)
    expect(doc.events).toEqual([])
    expect(doc.citations).toEqual([])
  })

  it('bad export parameters are 400 problems', async () => {
    for (const url of ['/v1/export?format=xml', '/v1/export?resource=everything', '/v1/export?from=soon', '/v1/export?colour=red']) {
      const res = await get(url)
      expect(res.statusCode, url).toBe(400)
      expect(res.headers['content-type']).toMatch(/problem\+json/)
    }
  })

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    const local = await buildTestApp()
    local.storage.sqlite.prepare(`UPDATE events SET title = '=HYPERLINK("http://x.example","click")' WHERE id = 'ceasefire-2023-09-20'`).run()
    bumpVersion(local.storage.sqlite)
    const res = await local.inject({ method: 'GET', url: '/v1/export?format=csv&resource=events' })
    const rows = parse(res.body, { columns: true, bom: true }) as Record<string, string>[]
    expect(rows.find((r) => r.id === 'ceasefire-2023-09-20')!.title).toBe(`'=HYPERLINK("http://x.example","click")`)
  })
})

describe('sync feeds', () => {
  it('the deletions feed lists tombstones in order and filters by time', async () => {
    const local = await buildTestApp()
    expect((await getJson(local, '/v1/deletions')).body).toMatchObject({ data: [], page: { nextCursor: null } })
    local.storage.sqlite.prepare(`INSERT INTO deletions (record_type, record_id, deleted_at) VALUES ('event', 'gone-1', '2024-01-01T00:00:00.000Z'), ('actor', 'gone-2', '2025-01-01T00:00:00.000Z')`).run()
    bumpVersion(local.storage.sqlite)
    expect((await getJson(local, '/v1/deletions')).body.data.map((d: any) => d.recordId)).toEqual(['gone-1', 'gone-2'])
    expect((await getJson(local, '/v1/deletions?since=2024-06-01')).body.data).toEqual([{ recordType: 'actor', recordId: 'gone-2', deletedAt: '2025-01-01T00:00:00.000Z' }])
  })

  it('updatedSince on lists returns only records changed since then', async () => {
    const local = await buildTestApp()
    local.storage.sqlite.prepare(`UPDATE events SET updated_at = '2030-01-01T00:00:00.000Z' WHERE id = 'ceasefire-2023-09-20'`).run()
    bumpVersion(local.storage.sqlite)
    expect((await getJson(local, '/v1/events?updatedSince=2029-12-31')).body.data.map((e: any) => e.id)).toEqual(['ceasefire-2023-09-20'])
    expect((await getJson(local, '/v1/actors?updatedSince=2029-12-31')).body.data).toEqual([])
  })
})

describe('GeoJSON and TimelineJS', () => {
  it('GeoJSON is a FeatureCollection of located events with popup properties', async () => {
    const res = await get('/v1/events.geojson')
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/)
    const fc = res.json()
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.features.length).toBeGreaterThan(5)
    for (const f of fc.features) {
      expect(f.type).toBe('Feature')
      expect(f.geometry.type).toBe('Point')
      const [lon, lat] = f.geometry.coordinates
      expect(lon).toBeGreaterThanOrEqual(-180); expect(lon).toBeLessThanOrEqual(180)
      expect(lat).toBeGreaterThanOrEqual(-90); expect(lat).toBeLessThanOrEqual(90)
      expect(f.properties).toMatchObject({ id: expect.any(String), title: expect.any(String), date: expect.any(String), url: `/v1/events/${f.id}` })
    }
    const offensive = fc.features.find((f: any) => f.id === 'azerbaijani-offensive-2023-09')
    expect(offensive.properties.figures.join(' ')).toContain('At least 200 people were killed (Financial Times, 2023-09-24, para. 4)')
  })

  it('both views come one page at a time, with the next page linked, and cover every event once', async () => {
    const all = (await getJson(app(), '/v1/events?limit=200')).body.data.map((e: any) => e.id)
    const seen: string[] = []
    let url: string | null = '/v1/timeline.json?limit=5'
    while (url) {
      const res = await get(url)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.events.length).toBeLessThanOrEqual(5)
      seen.push(...body.events.map((e: any) => e.unique_id))
      url = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1] ?? null
    }
    expect(seen).toEqual(all)
    const first = await get('/v1/events.geojson?limit=3')
    const fc = first.json()
    expect(fc.truncated).toBe(true)
    expect(fc.links).toEqual([{ rel: 'next', type: 'application/geo+json', href: expect.stringMatching(/^\/v1\/events\.geojson\?limit=3&cursor=/) }])
    expect(first.headers.link).toContain(fc.links[0].href)
    expect((await get('/v1/events.geojson?limit=501')).statusCode).toBe(400)
  })

  it('bodies spliced from JSON written on the workers are the bytes serialising the whole objects gives', async () => {
    const views = eventViews(app().storage.sqlite, {}, 3)
    const geo = await get('/v1/events.geojson?limit=3')
    const links = [{ href: geo.json().links[0].href, rel: 'next', type: 'application/geo+json' }]
    expect(geo.body).toBe(JSON.stringify({ ...toGeoJson(views.views, true), links }))
    const last = await get('/v1/events.geojson?limit=500')
    expect(last.body).toBe(JSON.stringify({ ...toGeoJson(eventViews(app().storage.sqlite, {}, 500).views, false), links: [] }))
    const timeline = await get('/v1/timeline.json?limit=3')
    expect(timeline.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(timeline.body).toBe(JSON.stringify(toTimelineJs(views.views)))
  })

  it('TimelineJS follows the format: dates no finer than their precision, headlines, groups, eras', async () => {
    const tl = (await get('/v1/timeline.json')).json()
    expect(tl.title.text.headline).toEqual(expect.any(String))
    const precisionParts: Record<string, string[]> = { year: ['year'], month: ['year', 'month'], day: ['year', 'month', 'day'], minute: ['year', 'month', 'day', 'hour', 'minute'] }
    const events = (await getJson(app(), '/v1/events?limit=200')).body.data
    expect(tl.events).toHaveLength(events.length)
    for (const slide of tl.events) {
      const e = events.find((x: any) => x.id === slide.unique_id)
      const parts = Object.keys(slide.start_date).filter((k) => k !== 'display_date')
      expect(parts, e.id).toEqual(precisionParts[e.datePrecision])
      if (slide.start_date.month) expect(slide.start_date.month).toBeGreaterThanOrEqual(1)
      expect(slide.text.headline).toEqual(expect.any(String))
      expect(slide.group).toEqual(expect.any(String))
    }
    const arrived = tl.events.find((s: any) => s.unique_id === 'refugees-arrive-southern-armenia')
    expect(arrived.text.text).toContain('377')
    expect(tl.eras.length).toBeGreaterThan(0)
    for (const era of tl.eras) expect(era.start_date.year).toBeLessThanOrEqual(era.end_date.year)
  })
})

describe('streaming', () => {
  it('a client that disconnects mid-export releases its snapshot and the server keeps serving', async () => {
    const dbPath = join(tempDir(), 'big.db')
    const server = await buildTestApp({ databasePath: dbPath })
    synthesise(server.storage.sqlite, { events: 20000 })
    await server.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.server.address() as { port: number }
    const before = openSnapshotCount()
    await new Promise<void>((resolve, reject) => {
      const req = request({ port, path: '/v1/export?format=ndjson' }, (res) => {
        res.once('data', () => { req.destroy(); resolve() })
      })
      req.on('error', (err) => (err.message.includes('aborted') || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)))
      req.end()
    })
    for (let i = 0; i < 50 && openSnapshotCount() > before; i++) await new Promise((r) => setTimeout(r, 20))
    expect(openSnapshotCount()).toBe(before)
    const health = await fetch(`http://127.0.0.1:${port}/v1/events/ceasefire-2023-09-20`)
    expect(health.status).toBe(200)
    // A write after the aborted export goes through: no reader was left holding the database.
    server.storage.sqlite.prepare(`UPDATE events SET title = title WHERE id = 'ceasefire-2023-09-20'`).run()
  })

  it('serves reads while an export streams', async () => {
    const dbPath = join(tempDir(), 'big.db')
    const server = await buildTestApp({ databasePath: dbPath })
    synthesise(server.storage.sqlite, { events: 20000 })
    await server.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.server.address() as { port: number }
    let exportDone = false
    const exporting = fetch(`http://127.0.0.1:${port}/v1/export?format=ndjson`).then(async (r) => { await r.arrayBuffer(); exportDone = true })
    await new Promise((r) => setTimeout(r, 30))
    const read = await fetch(`http://127.0.0.1:${port}/v1/events/ceasefire-2023-09-20`)
    expect(read.status).toBe(200)
    const readFinishedBeforeExport = !exportDone
    await exporting
    expect(readFinishedBeforeExport).toBe(true)
  })
})

describe('the ETag of an export', () => {
  it('names the version the export was read at, not the one current when the request came in', async () => {
    const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
    // A write lands after the request's ETag is set and before its snapshot is opened.
    app.addHook('preHandler', async (request) => { if (request.url.startsWith('/v1/export')) bumpVersion(app.storage.sqlite) })
    await app.ready()
    try {
      for (const url of ['/v1/export?format=ndjson', '/v1/export/manifest?format=ndjson']) {
        const before = readVersion(app.storage.sqlite).version
        const res = await app.inject(url)
        expect(res.statusCode, url).toBe(200)
        const version = url.includes('manifest') ? res.json().data.datasetVersion : Number(res.headers['x-dataset-version'])
        expect(version, url).toBe(before + 1)
        expect(res.headers.etag, url).toBe(`"v${version}-json"`)
      }
    } finally {
      await app.close()
    }
  })
})
