import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { readVersion } from '../../src/db/dataset.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'

const tables = ['sources', 'actors', 'places', 'events', 'event_actors', 'casualty_reports', 'displacement_counts', 'statements', 'statement_events', 'citations']

function snapshot(sqlite: ReturnType<typeof openDatabase>['sqlite']) {
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]))
}

describe('seed', () => {
  it('is idempotent: a second run writes nothing and keeps the version', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    const first = seedDatabase(storage.sqlite, seedData)
    expect(first.inserted).toBeGreaterThan(50)
    expect(first.version).toBe(1)
    const before = snapshot(storage.sqlite)
    const second = seedDatabase(storage.sqlite, seedData)
    expect(second).toMatchObject({ inserted: 0, updated: 0, version: null })
    expect(snapshot(storage.sqlite)).toEqual(before)
    expect(readVersion(storage.sqlite).version).toBe(1)
    storage.close()
  })

  it('updates only the record that changed and bumps the version', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    seedDatabase(storage.sqlite, seedData)
    const changed = { ...seedData, events: seedData.events.map((e, i) => (i === 0 ? { ...e, title: `${e.title} (revised)` } : e)) }
    const report = seedDatabase(storage.sqlite, changed)
    expect(report).toMatchObject({ inserted: 0, updated: 1, version: 2 })
    storage.close()
  })

  it('rejects a seed with a broken reference before writing anything', () => {
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    const broken = { ...seedData, events: [{ ...seedData.events[0]!, place: 'atlantis' }] }
    expect(() => seedDatabase(storage.sqlite, broken)).toThrow(/unknown id "atlantis"/)
    expect(storage.sqlite.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 })
    storage.close()
  })

  it('a fresh start on an empty directory creates, migrates, seeds and serves the timeline', async () => {
    const dbPath = join(tempDir(), 'nested', 'timeline.db')
    const app = await buildTestApp({ databasePath: dbPath })
    const ready = await getJson(app, '/ready')
    expect(ready.status).toBe(200)
    const events = await getJson(app, '/v1/events?limit=200')
    expect(events.body.data.length).toBe(seedData.events.length)
    await app.close()
    // A restart on the same file does not seed again.
    const again = await buildTestApp({ databasePath: dbPath })
    expect((await getJson(again, '/v1/dataset')).body.data.version).toBe(1)
  })
})
