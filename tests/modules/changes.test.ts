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

describe('keeping a copy in step with /v1/changes', () => {
  /** The server-kept fields a change's data carries, which a write body may not. */
  const SERVER_KEPT = ['version', 'createdAt', 'updatedAt', 'startSortKey', 'saidAtSortKey', 'asOfSortKey']
  const PATH = Object.fromEntries(RESOURCES.map((r) => [r.recordType, r.path]))
  const bodyOf = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !SERVER_KEPT.includes(k)))

  /** Applies one change to the copy over its API: a POST or PATCH by id, or a DELETE. */
  async function apply(copy: App, auth: Record<string, string>, c: { operation: string, recordType: string, recordId: string, data: Record<string, unknown> | null }) {
    const url = `/v1/${PATH[c.recordType]}/${c.recordId}`
    const held = await copy.inject(url)
    if (c.operation === 'delete') {
      return held.statusCode === 404 ? held : copy.inject({ method: 'DELETE', url, headers: { ...auth, 'if-match': held.headers.etag as string } })
    }
    const { id: _id, ...fields } = bodyOf(c.data!)
    return held.statusCode === 404
      ? copy.inject({ method: 'POST', url: `/v1/${PATH[c.recordType]}`, headers: auth, payload: bodyOf(c.data!) })
      : copy.inject({ method: 'PATCH', url, headers: { ...auth, 'if-match': held.headers.etag as string }, payload: fields })
  }

  /** Every record of a dataset without the fields each server keeps for itself (a citation's id too), sorted. */
  async function records(app: App) {
    const lines = (await app.inject('/v1/export?format=ndjson')).body.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l))
    const kept = lines.map((l) => {
      const { id, ...rest } = bodyOf(l.data)
      return JSON.stringify({ type: l.type, data: l.type === 'citation' ? rest : { id, ...rest } })
    })
    return kept.sort()
  }

  /**
   * The documented rule: changes applied in feed order, a write refused with 422 (it names a record
   * that comes later in the feed) or 409 (a record the copy holds still names the one deleted)
   * waiting, and tried again after each write that succeeds.
   */
  async function follow(app: App, auth: Record<string, string>, changes: Awaited<ReturnType<typeof walk>>) {
    const waiting: typeof changes = []
    for (const c of changes) {
      const res = await apply(app, auth, c)
      if (res.statusCode === 422 || res.statusCode === 409) { waiting.push(c); continue }
      // A record made and deleted since the copy's version is only a deletion: nothing to delete.
      if (!(c.operation === 'delete' && res.statusCode === 404)) expect(res.statusCode, res.body).toBeLessThan(300)
      for (let i = 0; i < waiting.length;) {
        const again = await apply(app, auth, waiting[i]!)
        if (again.statusCode < 300) { waiting.splice(i, 1); i = 0 } else i++
      }
    }
    expect(waiting).toEqual([])
  }

  it('ends equal to the original following the documented rule, though a record comes before one it names', async () => {
    const original = await buildTestApp()
    const copy = await buildTestApp()
    const key = (app: App) => ({ authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` })
    const [a, b] = [key(original), key(copy)]
    expect(await records(copy)).toEqual(await records(original))
    const since = (await original.inject('/v1/dataset')).json().data.version as number
    const write = async (method: string, url: string, payload?: object) => {
      const etag = method === 'POST' ? undefined : (await original.inject(url)).headers.etag as string
      const res = await original.inject({ method, url, headers: { ...a, ...(etag ? { 'if-match': etag } : {}) }, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
    }
    const citations = [{ sourceId: 'ft-2023-09-24', paragraph: 1 }]
    // A figure written after its event, and the event edited after it: the figure comes first.
    await write('POST', '/v1/events', { id: 'order-event', title: 'Order', summary: 's', type: 'attack', start: '2023-09-25', datePrecision: 'day', dateBasis: 'stated', actors: [], citations })
    await write('POST', '/v1/casualty-reports', { id: 'order-figure', eventId: 'order-event', outcome: 'killed', victimGroup: 'people', low: 2, high: null, best: null, qualifier: 'at_least', reportedPhrase: 'at least 2', citations })
    await write('PATCH', '/v1/events/order-event', { title: 'Order, edited' })
    // An actor affiliated with one written before it and edited after it.
    await write('POST', '/v1/actors', { id: 'order-parent', name: 'Parent', kind: 'armed_group' })
    await write('POST', '/v1/actors', { id: 'order-child', name: 'Child', kind: 'armed_group', affiliationId: 'order-parent' })
    await write('PATCH', '/v1/actors/order-parent', { aliases: ['P'] })
    // A record the copy holds stops naming an actor, which is deleted, and is edited again after.
    const held = (await original.inject('/v1/events/ceasefire-2023-09-20')).json().data
    await write('POST', '/v1/actors', { id: 'order-gone', name: 'Gone', kind: 'person' })
    await write('PATCH', '/v1/events/ceasefire-2023-09-20', { actors: [...held.actors.map((x: any) => ({ actorId: x.id, role: x.role })), { actorId: 'order-gone', role: 'mediator' }] })
    // Now in the copy's past: it must see the event name the actor, then not.
    await follow(copy, b, await walk(original, since, 200))
    const middle = (await original.inject('/v1/dataset')).json().data.version as number
    await write('PATCH', '/v1/events/ceasefire-2023-09-20', { actors: held.actors.map((x: any) => ({ actorId: x.id, role: x.role })) })
    await write('DELETE', '/v1/actors/order-gone')
    await write('PATCH', '/v1/events/ceasefire-2023-09-20', { title: `${held.title}.` })

    // Applied in feed order, some writes are refused for a record that comes later...
    const feed = await walk(original, middle, 3)
    const scratch = await buildTestApp()
    const s = key(scratch)
    const refused: number[] = []
    for (const c of await walk(original, since, 3)) refused.push((await apply(scratch, s, c)).statusCode)
    expect(refused.filter((code) => code === 422)).not.toHaveLength(0)
    // ...and the documented rule leaves each copy equal to the original, whether it follows the
    // feed in one go or in two.
    const fresh = await buildTestApp()
    await follow(fresh, key(fresh), await walk(original, since, 3))
    await follow(copy, b, feed)
    const expected = await records(original)
    expect(await records(fresh)).toEqual(expected)
    expect(await records(copy)).toEqual(expected)
  })
})
