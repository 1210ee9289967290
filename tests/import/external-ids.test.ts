import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase, type Storage } from '../../src/db/client.ts'
import { RESOURCE_BY_TYPE } from '../../src/modules/curation/resources.ts'
import { RecordStore } from '../../src/modules/import/store.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'
import { sample } from './support.ts'

const opened: Storage[] = []
afterEach(() => { for (const s of opened.splice(0)) s.close() })

describe('external ids of imported records', () => {
  it('are remembered per system and type, moved when the record changes, and forgotten while the record is gone', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    opened.push(storage)
    const { sqlite } = storage
    const who = { keyId: null, keyName: 'import' }
    const source = RESOURCE_BY_TYPE.get('source')!
    const acled = new RecordStore(sqlite, 'acled', who), ucdp = new RecordStore(sqlite, 'ucdp', who)
    for (const id of ['wire-1', 'wire-2']) acled.engine.create(source, { id, publisher: 'Wire', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' }, who)

    expect(acled.mapped(source, 'S1')).toBeUndefined()
    acled.remember(source, 'S1', 'wire-1')
    expect(acled.mapped(source, 'S1')).toBe('wire-1')
    expect(ucdp.mapped(source, 'S1')).toBeUndefined()
    expect(acled.mapped(RESOURCE_BY_TYPE.get('actor')!, 'S1')).toBeUndefined()

    acled.remember(source, 'S1', 'wire-1')
    acled.remember(source, 'S1', 'wire-2')
    expect(acled.mapped(source, 'S1')).toBe('wire-2')
    expect(sqlite.prepare('SELECT system, external_id AS externalId, record_type AS recordType, record_id AS recordId FROM external_ids').all())
      .toEqual([{ system: 'acled', externalId: 'S1', recordType: 'source', recordId: 'wire-2' }])

    sqlite.prepare(`DELETE FROM sources WHERE id = 'wire-2'`).run()
    expect(acled.mapped(source, 'S1')).toBeUndefined()
  })
})

describe('dataset ids that make the same event id', () => {
  const HEADER = 'event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities'
  const row = (id: string, notes: string, fatalities: number) =>
    `${id},2024-03-02,1,Battles,Armed clash,Sample Force,Sample Band,Sampleland,North Province,Sample Town,40.1,45.5,1,Sample Herald,${notes},${fatalities}`
  const write = (lines: string[]) => {
    const path = join(tempDir(), 'ids.csv')
    writeFileSync(path, [HEADER, ...lines].join('\n') + '\n')
    return path
  }

  it('rejects the second of two ids of one slug, in a file and across files, and re-imports change nothing', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const first = write([row('AZE500', 'upper', 1), row('aze500', 'lower', 2), row('AZE_501', 'underscore', 3), row('AZE-501', 'hyphen', 0)])
    const report = await importFile(sqlite, { format: 'acled', path: first })
    expect(report).toMatchObject({ rows: 4, imported: 2, rejectedRows: 2 })
    expect(report.rejected.map((r) => [r.row, r.reason])).toEqual([
      [3, 'event_id_cnty "aze500" makes the same event id (acled-aze500) as "AZE500" on line 2'],
      [5, 'event_id_cnty "AZE-501" makes the same event id (acled-aze-501) as "AZE_501" on line 4'],
    ])
    const event = (await getJson(app, '/v1/events/acled-aze-501')).body.data
    expect(event.summary).toBe('underscore')
    expect(event.casualtyReports.map((c: { low: number }) => c.low)).toEqual([3])
    // Another file naming the second id alone: its event would overwrite the first's.
    const second = await importFile(sqlite, { format: 'acled', path: write([row('AZE-501', 'hyphen', 0)]) })
    expect(second).toMatchObject({ rows: 1, imported: 0, rejectedRows: 1 })
    expect(second.rejected[0]!.reason).toMatch(/would be stored as event acled-aze-501, which holds a record not imported from this id/)
    expect((await getJson(app, '/v1/events/acled-aze-501')).body.data.summary).toBe('underscore')
    const version = (await getJson(app, '/v1/dataset')).body.data.version
    const again = await importFile(sqlite, { format: 'acled', path: first })
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 2, rejectedRows: 2 })
    expect((await getJson(app, '/v1/dataset')).body.data.version).toBe(version)
    await app.close()
  })
})

describe('places of one name', () => {
  const HEADER = 'event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities'
  const row = (id: string, admin1: string, lat: number, lon: number) =>
    `${id},2024-03-02,1,Battles,Armed clash,Sample Force,,Azerbaijan,${admin1},Kend,${lat},${lon},1,Sample Herald,A row in ${admin1},1`

  it('are one place when close (a town named again), two when far apart (villages in two provinces)', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const path = join(tempDir(), 'kend.csv')
    writeFileSync(path, [HEADER, row('KND1', 'Shusha', 39.76, 46.75), row('KND2', 'Lachin', 39.64, 46.54), row('KND3', 'Shusha', 39.77, 46.76)].join('\n') + '\n')
    expect(await importFile(sqlite, { format: 'acled', path })).toMatchObject({ imported: 3, rejectedRows: 0 })
    const placeOf = async (id: string) => (await getJson(app, `/v1/events/acled-${id}`)).body.data.place
    const [a, b, c] = [await placeOf('knd1'), await placeOf('knd2'), await placeOf('knd3')]
    // Shusha's two rows are 1.4 km apart: one place. Lachin's Kend, 22 km away, is another.
    expect(a.id).toBe(c.id)
    expect(b.id).not.toBe(a.id)
    expect([b.latitude, b.longitude]).toEqual([39.64, 46.54])
    await app.close()
  })
})

describe('an import beside other writers', () => {
  it('waits for a write lock held past SQLite\'s busy timeout, then imports every row', async () => {
    const path = join(tempDir(), 'locked.db')
    const storage = openDatabase(path)
    migrateDatabase(storage.db)
    opened.push(storage)
    // Another process holds the write lock for 6.5 s: longer than one busy_timeout (5 s).
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(${JSON.stringify(path)})
      db.exec('BEGIN IMMEDIATE'); console.log('locked')
      setTimeout(() => { db.exec('COMMIT'); db.close() }, 6500)`], { cwd: process.cwd() })
    await new Promise<void>((resolve, reject) => { holder.stdout.once('data', () => resolve()); holder.once('error', reject) })
    const started = Date.now()
    const report = await importFile(storage.sqlite, { format: 'acled', path: sample('acled.csv') })
    expect(Date.now() - started).toBeGreaterThan(5000)
    expect(report).toMatchObject({ rows: 8, imported: 8, rejectedRows: 0 })
  }, 30_000)
})

describe('an imported event shows the ids it has in the datasets it came from', () => {
  it('in its REST document and over GraphQL, by system; an event written here has none, and a restored copy\'s bookkeeping is not one', async () => {
    const app = await buildTestApp()
    const { sqlite } = app.storage
    await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    await importFile(sqlite, { format: 'ucdp', path: sample('ucdp.csv') })
    const acled = sqlite.prepare(`SELECT external_id AS id, record_id AS event FROM external_ids WHERE system = 'acled' AND record_type = 'event' ORDER BY external_id LIMIT 1`).get() as { id: string, event: string }
    const ucdp = sqlite.prepare(`SELECT external_id AS id, record_id AS event FROM external_ids WHERE system = 'ucdp' AND record_type = 'event' ORDER BY external_id LIMIT 1`).get() as { id: string, event: string }
    expect(acled.id).toBe('SMP1001')
    expect(ucdp.id).toBe('900001')
    // The same event known to a second system lists both, by system.
    sqlite.prepare(`INSERT INTO external_ids (system, external_id, record_type, record_id) VALUES ('ucdp', '123', 'event', ?), ('json', ?, 'event', ?)`).run(acled.event, acled.event, acled.event)
    const doc = (await getJson(app, `/v1/events/${acled.event}`)).body.data
    expect(doc.externalIds).toEqual([{ system: 'acled', id: 'SMP1001' }, { system: 'ucdp', id: '123' }])
    expect((await getJson(app, `/v1/events/${ucdp.event}`)).body.data.externalIds).toEqual([{ system: 'ucdp', id: '900001' }])
    expect((await getJson(app, '/v1/events/azerbaijani-offensive-2023-09')).body.data.externalIds).toEqual([])
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `{ a: event(id: "${acled.event}") { externalIds { system id } } b: event(id: "azerbaijani-offensive-2023-09") { externalIds { system id } } }` } })
    expect(res.json()).toEqual({ data: { a: { externalIds: doc.externalIds }, b: { externalIds: [] } } })
  })
})
