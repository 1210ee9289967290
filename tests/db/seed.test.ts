import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { readVersion } from '../../src/db/dataset.ts'
import { seedDatabase, seedOnStart } from '../../src/db/seed.ts'
import { seedDigest, storedSeedDigest } from '../../src/db/seed-state.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { SeedDataset } from '../../seed/schema.ts'
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

  it('a run that changes only the links or citations of a record stamps that record: the changes feed and If-Match see it', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const editor = { authorization: `Bearer ${createKey(sqlite, 'e', 'editor').key}` }
    const event = seedData.events.find((e) => (e.actors?.length ?? 0) > 1)!
    const actors = event.actors!
    const statement = seedData.statements.find((st) => st.citations.length > 1)!
    const tag = (await app.inject(`/v1/events/${event.id}`)).headers.etag as string
    const patched = await app.inject({ method: 'PATCH', url: `/v1/events/${event.id}`, headers: { ...editor, 'if-match': tag }, payload: { actors: [{ actorId: actors[0]!.actor, role: actors[0]!.role }] } })
    expect(patched.statusCode).toBe(200)
    const before = readVersion(sqlite).version
    const beforeTag = patched.headers.etag as string
    // The seed puts the event's actors back, and a statement loses a citation: links only, no column.
    const changed = { ...seedData, statements: seedData.statements.map((st) => (st.id === statement.id ? { ...st, citations: st.citations.slice(0, 1) } : st)) }
    const report = seedDatabase(sqlite, changed)
    expect(report.version).toBe(before + 1)
    const feed = (await getJson(app, `/v1/changes?since=${before}`)).body.data.map((c: any) => `${c.recordType}:${c.recordId}:${c.version}`).sort()
    expect(feed).toEqual([`event:${event.id}:${before + 1}`, `statement:${statement.id}:${before + 1}`].sort())
    expect((await getJson(app, `/v1/events/${event.id}`)).body.data.actors).toHaveLength(actors.length)
    // The tag taken before the seed ran no longer matches.
    const stale = await app.inject({ method: 'PATCH', url: `/v1/events/${event.id}`, headers: { ...editor, 'if-match': beforeTag }, payload: { title: 'x' } })
    expect(stale.statusCode).toBe(412)
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

  it('a start on a database seeded from an older seed applies the changes, except to records edited or deleted since', async () => {
    const dbPath = join(tempDir(), 'timeline.db')
    // An older seed: two date notes that still said only "from external reference".
    const older = { ...seedData, events: seedData.events.map((e) =>
      e.id === 'ceasefire-2023-09-20' || e.id === 'aliyev-apology-to-putin' ? { ...e, dateNote: 'From external reference.' } : e) }
    const storage = openDatabase(dbPath)
    migrateDatabase(storage.db)
    seedDatabase(storage.sqlite, older)
    // A database seeded before the digest was kept has none.
    storage.sqlite.prepare('DELETE FROM seed_state').run()
    storage.close()

    // Someone edits one of the two events and deletes a figure, through the API, with no seeding at start.
    const editing = await buildTestApp({ databasePath: dbPath, seedOnStart: false })
    const editor = { authorization: `Bearer ${createKey(editing.storage.sqlite, 'desk', 'admin').key}` }
    const etag = (await editing.inject({ method: 'GET', url: '/v1/events/aliyev-apology-to-putin' })).headers.etag as string
    const patched = await editing.inject({ method: 'PATCH', url: '/v1/events/aliyev-apology-to-putin', headers: { ...editor, 'if-match': etag }, payload: { title: 'Aliyev apologises (desk edit)' } })
    expect(patched.statusCode).toBe(200)
    const etag2 = (await editing.inject({ method: 'GET', url: '/v1/casualty-reports/peacekeepers-killed-five' })).headers.etag as string
    expect((await editing.inject({ method: 'DELETE', url: '/v1/casualty-reports/peacekeepers-killed-five', headers: { ...editor, 'if-match': etag2 } })).statusCode).toBe(200)
    const versionBefore = (await getJson(editing, '/v1/dataset')).body.data.version
    await editing.close()

    const upgraded = await buildTestApp({ databasePath: dbPath })
    const current = SeedDataset.parse(seedData)
    const ceasefire = (await getJson(upgraded, '/v1/events/ceasefire-2023-09-20')).body.data
    expect(ceasefire.dateNote).toBe(current.events.find((e) => e.id === 'ceasefire-2023-09-20')!.dateNote)
    expect(ceasefire.citations.map((c: any) => c.source.id)).toContain('bbc-2023-09-20')
    const apology = (await getJson(upgraded, '/v1/events/aliyev-apology-to-putin')).body.data
    expect(apology).toMatchObject({ title: 'Aliyev apologises (desk edit)', dateNote: 'From external reference.' })
    expect((await getJson(upgraded, '/v1/casualty-reports/peacekeepers-killed-five')).status).toBe(404)
    const versionAfter = (await getJson(upgraded, '/v1/dataset')).body.data.version
    expect(versionAfter).toBe(versionBefore + 1)
    expect(storedSeedDigest(upgraded.storage.sqlite)).toBe(seedDigest(current))
    await upgraded.close()

    // Once up to date, a restart writes nothing.
    const again = await buildTestApp({ databasePath: dbPath })
    expect((await getJson(again, '/v1/dataset')).body.data.version).toBe(versionAfter)
    await again.close()
  })

  it('a start never seeds a database that holds data but was not seeded', async () => {
    const dbPath = join(tempDir(), 'timeline.db')
    const first = await buildTestApp({ databasePath: dbPath, seedOnStart: false })
    const editor = { authorization: `Bearer ${createKey(first.storage.sqlite, 'desk', 'editor').key}` }
    const created = await first.inject({ method: 'POST', url: '/v1/sources', headers: editor,
      payload: { publisher: 'Local paper', title: null, url: null, publishedDate: '2024-01-01', kind: 'news_report', language: 'en' } })
    expect(created.statusCode).toBe(201)
    await first.close()
    const second = await buildTestApp({ databasePath: dbPath })
    expect((await getJson(second, '/v1/events')).body.data).toEqual([])
    expect(storedSeedDigest(second.storage.sqlite)).toBeNull()
    await second.close()
  })

  it('a changed seed pointing at a record an editor deleted is not applied, and nothing is written', async () => {
    const dbPath = join(tempDir(), 'timeline.db')
    const app = await buildTestApp({ databasePath: dbPath })
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'desk', 'admin').key}` }
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/united-states' })).headers.etag as string
    expect((await app.inject({ method: 'DELETE', url: '/v1/actors/united-states', headers: { ...admin, 'if-match': etag } })).statusCode).toBe(200)
    await app.close()

    const newer = { ...seedData, events: seedData.events.map((e) =>
      e.id === 'moscow-restrained-response' ? { ...e, actors: [...e.actors!, { actor: 'united-states', role: 'observer' as const }] } : e) }
    const storage = openDatabase(dbPath)
    const before = { version: readVersion(storage.sqlite).version, digest: storedSeedDigest(storage.sqlite) }
    const result = seedOnStart(storage.sqlite, newer)
    expect(result.action).toBe('upgrade-failed')
    expect({ version: readVersion(storage.sqlite).version, digest: storedSeedDigest(storage.sqlite) }).toEqual(before)
    storage.close()
  })
})
