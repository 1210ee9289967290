import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../../src/db/client.ts'
import { readVersion } from '../../../src/db/dataset.ts'
import { seedDatabase } from '../../../src/db/seed.ts'
import { synthesise } from '../../../src/db/synth.ts'
import { seedData } from '../../../seed/data.ts'
import { WriteEngine } from '../../../src/modules/curation/engine.ts'
import { RESOURCES } from '../../../src/modules/curation/resources.ts'
import { fillEventDocuments, startRefiller, WRITE_REFILL_CAP } from '../../../src/modules/events/stored.ts'
import { importFile } from '../../../src/modules/import/importer.ts'
import { buildTestApp, gql, tempDir } from '../../helper.ts'
import { sample } from '../../import/support.ts'
import { audit, eventually, expectFull, writers } from './documents-support.ts'

const who = { keyId: null, keyName: 'test' }
const bodies = async (app: Awaited<ReturnType<typeof buildTestApp>>, ids: string[]) =>
  Promise.all(ids.map(async (id) => (await app.inject({ method: 'GET', url: `/v1/events/${id}` })).body))

describe('stored event documents: other writers, the refiller, reads', () => {
  it('a write reaching more documents than the cap composes the cap; the refiller composes the rest', async () => {
    const { sqlite, db, close } = openDatabase(':memory:')
    try {
      migrateDatabase(db)
      seedDatabase(sqlite, seedData)
      synthesise(sqlite, { events: 3000 })
      expectFull(sqlite)
      const source = sqlite.prepare(`SELECT source_id FROM citations WHERE source_id LIKE 'synth-%' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).pluck().get() as string
      const engine = new WriteEngine(sqlite)
      engine.update(RESOURCES.find((r) => r.table === 'sources')!, source, { publisher: 'Renamed' }, `"v${readVersion(sqlite).version}-json"`, who)
      const after = audit(sqlite)
      expect(after.queued).toBeGreaterThan(0)
      // Every missing document is queued: none is left out of both.
      expect(after.stored + after.queued).toBe(after.events)
      const errors: unknown[] = []
      const refiller = startRefiller(sqlite, (err) => errors.push(err), { documents: 50, ms: 10, everyMs: 1 })
      await eventually(() => audit(sqlite).queued === 0)
      refiller.stop()
      expect(errors).toEqual([])
      expectFull(sqlite)
      // The write composed exactly the cap before it committed.
      expect(after.queued).toBe(sqlite.prepare(`SELECT count(*) FROM event_documents WHERE body LIKE '%"publisher":"Renamed"%'`).pluck().get() as number - WRITE_REFILL_CAP)
    } finally {
      close()
    }
  })

  it('a raw UPDATE on the connection deletes what it changes; the background refiller composes it again', async () => {
    // Nothing cached: the raw write does not move the dataset version that cached answers are keyed by.
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    const sql = app.storage.sqlite
    const linked = sql.prepare(`SELECT count(DISTINCT event_id) FROM event_actors WHERE actor_id = 'armenia'`).pluck().get() as number
    expect(linked).toBeGreaterThan(1)
    sql.prepare(`UPDATE actors SET name = 'Raw rename' WHERE id = 'armenia'`).run()
    const a = audit(sql)
    expect(a.stored).toBeLessThanOrEqual(a.events - linked)
    expect(a.stored + a.queued).toBe(a.events)
    await eventually(() => audit(sql).queued === 0)
    expect(expectFull(sql).stored).toBe(a.events)
    const one = sql.prepare(`SELECT event_id FROM event_actors WHERE actor_id = 'armenia'`).pluck().get() as string
    expect((await app.inject({ method: 'GET', url: `/v1/events/${one}` })).body).toContain('Raw rename')
  })

  it('a GraphQL mutation', async () => {
    const app = await buildTestApp()
    const { editor } = writers(app)
    const place = app.storage.sqlite.prepare('SELECT place_id FROM events WHERE place_id IS NOT NULL LIMIT 1').pluck().get() as string
    const etag = (await app.inject({ method: 'GET', url: `/v1/places/${place}` })).headers.etag as string
    const before = expectFull(app.storage.sqlite)
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { updatePlace(id: "${place}", patch: { name: "Renamed Baku" }, ifMatch: ${JSON.stringify(etag)}) { id } }` } })
    expect(res.json().errors).toBeUndefined()
    expect(expectFull(app.storage.sqlite).stored).toBe(before.stored)
    expect(app.storage.sqlite.prepare(`SELECT count(*) FROM event_documents WHERE body LIKE '%Renamed Baku%'`).pluck().get()).toBeGreaterThan(0)
    expect((await gql(app, '{ __typename }')).status).toBe(200)
  })

  it('an import through the engine composes the documents of what it adds in each batch', async () => {
    const app = await buildTestApp()
    const before = expectFull(app.storage.sqlite)
    await importFile(app.storage.sqlite, { format: 'acled', path: sample('acled.csv') })
    const after = expectFull(app.storage.sqlite)
    expect(after.stored).toBeGreaterThan(before.stored)
  })

  it('a forgotten dependency is caught: without the trigger on sources, a rename leaves documents wrong', async () => {
    const app = await buildTestApp()
    app.storage.sqlite.exec('DROP TRIGGER event_doc_sources_au')
    await writers(app).patch('/v1/sources/ft-2023-09-24', { publisher: 'Renamed Times' })
    expect(() => audit(app.storage.sqlite)).toThrow(/differ from the composed/)
  })

  it('foreign-key cascades fire the triggers of the rows they delete', async () => {
    const app = await buildTestApp()
    const sql = app.storage.sqlite
    // Without the statement's own trigger, only the cascade to statement_events can reach its events.
    sql.exec('DROP TRIGGER event_doc_statements_ad')
    const st = sql.prepare(`SELECT statement_id FROM statement_events GROUP BY 1 HAVING count(*) > 1 LIMIT 1`).pluck().get() as string
    const linked = sql.prepare('SELECT count(*) FROM statement_events WHERE statement_id = ?').pluck().get(st) as number
    sql.prepare(`DELETE FROM citations WHERE record_type = 'statement' AND record_id = ?`).run(st)
    fillEventDocuments(sql)
    expectFull(sql)
    sql.prepare('DELETE FROM statements WHERE id = ?').run(st)
    const a = audit(sql)
    expect(a.stored).toBe(a.events - linked)
  })

  it('GET /v1/events/{id} gives the same bytes with the table full and empty', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    const sql = app.storage.sqlite
    synthesise(sql, { events: 200 })
    const ids = sql.prepare('SELECT id FROM events ORDER BY id').pluck().all() as string[]
    expect(expectFull(sql).stored).toBe(ids.length)
    const full = await bodies(app, ids)
    sql.transaction(() => {
      sql.exec('DELETE FROM event_documents')
      sql.exec('DELETE FROM event_documents_stale')
    })()
    const empty = await bodies(app, ids)
    expect(audit(sql).stored).toBe(0)
    expect(empty).toEqual(full)
    expect(full.every((b) => b.startsWith('{"data":{"id":'))).toBe(true)
  })

  it('start-up composes every queued document (as after the migration that adds the table)', async () => {
    const path = join(tempDir(), 'fill.db')
    const first = await buildTestApp({ databasePath: path })
    synthesise(first.storage.sqlite, { events: 100 })
    await first.close()
    const raw = openDatabase(path)
    raw.sqlite.exec(`DELETE FROM event_documents; DELETE FROM event_documents_stale; INSERT INTO event_documents_stale SELECT id FROM events`)
    expect(audit(raw.sqlite)).toMatchObject({ stored: 0, queued: 116 })
    raw.close()
    const again = await buildTestApp({ databasePath: path })
    expect(expectFull(again.storage.sqlite).stored).toBe(116)
  })
})
