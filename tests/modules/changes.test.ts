import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/app.ts'
import { openDatabase } from '../../src/db/client.ts'
import { readVersion } from '../../src/db/dataset.ts'
import { WriteEngine } from '../../src/modules/curation/engine.ts'
import { RESOURCES } from '../../src/modules/curation/resources.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, tempDir } from '../helper.ts'

async function walk(app: App, since: number, limit: number) {
  const out: { version: number, operation: string, recordType: string, recordId: string, data: Record<string, unknown> | null }[] = []
  let url: string | undefined = `/v1/changes?since=${since}&limit=${limit}`
  while (url) {
    const res: { statusCode: number, json(): any } = await app.inject(url)
    expect(res.statusCode).toBe(200)
    const body: any = res.json()
    out.push(...body.data)
    url = body.page.nextCursor ? `/v1/changes?since=${since}&limit=${limit}&cursor=${body.page.nextCursor}` : undefined
  }
  return out
}

describe('GET /v1/changes', () => {
  it('lists every record written after a version once, in version order, with deletions, the same at any page size', async () => {
    const app = await buildTestApp()
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
    const start = (await app.inject('/v1/dataset')).json().data.version as number
    expect(await walk(app, start, 50)).toEqual([])

    const etag = () => app.inject('/v1/dataset').then((r) => r.headers.etag as string)
    const source = (await app.inject('/v1/sources')).json().data[0]
    expect((await app.inject({ method: 'PATCH', url: `/v1/sources/${source.id}`, headers: { ...admin, 'if-match': await etag() }, payload: { note: 'n1' } })).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/v1/actors', headers: admin, payload: { id: 'temp-actor', name: 'Temp', kind: 'person' } })).statusCode).toBe(201)
    expect((await app.inject({ method: 'POST', url: '/v1/actors', headers: admin, payload: { id: 'kept-actor', name: 'Kept', kind: 'person' } })).statusCode).toBe(201)
    expect((await app.inject({ method: 'DELETE', url: '/v1/actors/temp-actor', headers: { ...admin, 'if-match': await etag() } })).statusCode).toBe(200)
    expect((await app.inject({ method: 'PATCH', url: `/v1/sources/${source.id}`, headers: { ...admin, 'if-match': await etag() }, payload: { note: 'n2' } })).statusCode).toBe(200)

    const changes = await walk(app, start, 50)
    expect(changes.map((c) => [c.version - start, c.operation, c.recordType, c.recordId])).toEqual([
      [3, 'upsert', 'actor', 'kept-actor'],
      [4, 'delete', 'actor', 'temp-actor'],
      [5, 'upsert', 'source', source.id],
    ])
    expect(changes[2]!.data).toMatchObject({ id: source.id, note: 'n2', version: start + 5 })
    expect(await walk(app, start + 4, 50)).toHaveLength(1)

    // From version 0 the feed is the whole dataset plus the tombstones; page size does not change it.
    const all = await walk(app, 0, 200)
    const counts = (await app.inject('/v1/dataset')).json().data.counts
    const live = counts.events + counts.actors + counts.places + counts.sources + counts.statements + counts.casualtyReports + counts.displacementCounts
    expect(all).toHaveLength(live + 1)
    expect(new Set(all.map((c) => `${c.recordType}:${c.recordId}`)).size).toBe(all.length)
    expect(all.map((c) => c.version)).toEqual([...all.map((c) => c.version)].sort((a, b) => a - b))
    expect(await walk(app, 0, 7)).toEqual(all)
  })

  it('refuses a bad version or cursor by name', async () => {
    const app = await buildTestApp()
    const bad = await app.inject('/v1/changes?since=-1')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].parameter).toBe('since')
    expect((await app.inject('/v1/changes?cursor=abc')).json().code).toBe('INVALID_CURSOR')
    // The whole documented range is taken; past it, the number is named as too big.
    for (const since of ['1000000000000000', String(Number.MAX_SAFE_INTEGER)]) {
      const res = await app.inject(`/v1/changes?since=${since}`)
      expect(res.statusCode, since).toBe(200)
      expect(res.json().data).toEqual([])
    }
    const over = await app.inject('/v1/changes?since=90071992547409910')
    expect(over.statusCode).toBe(400)
    expect(over.json().errors[0].message).toMatch(/<=|too big/i)
    const csv = await app.inject('/v1/changes?format=csv&limit=2')
    expect(csv.body.split('\r\n')[0]).toBe('\ufeffversion,operation,record_type,record_id')
  })
})

describe('keeping a copy in sync by time', () => {
  it('misses no record of a write committed after a pull when the next pull starts from the export\'s datasetUpdatedAt', async () => {
    const databasePath = join(tempDir(), 'sync.db')
    const app = await buildTestApp({ databasePath })
    // Another process's writer (an import batch): it stamps a record, then commits later.
    const other = openDatabase(databasePath)
    try {
      const engine = new WriteEngine(other.sqlite)
      const sources = RESOURCES.find((r) => r.table === 'sources')!
      other.sqlite.exec('BEGIN IMMEDIATE')
      engine.update(sources, 'bbc-2023-09-20', { note: 'Rewritten by a long transaction.' }, `"v${readVersion(other.sqlite).version}-json"`, { keyId: null, keyName: 'test' })
      await new Promise((r) => setTimeout(r, 20))
      // A pull while that transaction is open: it sees the version before it.
      const pulledAt = new Date().toISOString()
      const first = (await app.inject('/v1/export?format=ndjson')).body.split('\n')
      const meta = JSON.parse(first[0]!)
      expect(first.some((l) => l.includes('Rewritten by a long transaction'))).toBe(false)
      other.sqlite.exec('COMMIT')
      const since = async (t: string) => (await app.inject(`/v1/export?format=ndjson&updatedSince=${encodeURIComponent(t)}`)).body
      // The pull's own clock is later than the record's stamp: that record would be lost.
      expect(await since(pulledAt)).not.toContain('Rewritten by a long transaction')
      // The export's datasetUpdatedAt is not: the record comes in the next pull.
      expect(await since(meta.datasetUpdatedAt)).toContain('Rewritten by a long transaction')
    } finally {
      other.close()
    }
  })
})
