import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase, type Storage } from '../../src/db/client.ts'
import { WriteEngine } from '../../src/modules/curation/engine.ts'
import { RESOURCE_BY_TYPE } from '../../src/modules/curation/resources.ts'

const opened: Storage[] = []
afterEach(() => { for (const s of opened.splice(0)) s.close() })

function setup() {
  const storage = openDatabase(':memory:')
  migrateDatabase(storage.db)
  opened.push(storage)
  return { sqlite: storage.sqlite, engine: new WriteEngine(storage.sqlite) }
}

const who = { keyId: null, keyName: 'desk' }
const source = RESOURCE_BY_TYPE.get('source')!
const actor = RESOURCE_BY_TYPE.get('actor')!
const SOURCE = { publisher: 'Wire', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' }

describe('the write engine keeps its books', () => {
  it('stores a revision per write: SQL NULL where there is no record, the record as JSON text where there is', () => {
    const { sqlite, engine } = setup()
    const made = engine.create(source, SOURCE, who)
    engine.update(source, made.id as string, { note: 'checked' }, `"v${made.version as number}-json"`, who)
    const rows = sqlite.prepare(`SELECT operation, key_id AS keyId, key_name AS keyName, dataset_version AS v, before, typeof(before) AS tb, after, typeof(after) AS ta
      FROM revisions ORDER BY id`).all() as Record<string, unknown>[]
    expect(rows.map((r) => [r.operation, r.keyId, r.keyName, r.v, r.tb, r.ta])).toEqual([
      ['create', null, 'desk', 1, 'null', 'text'],
      ['update', null, 'desk', 2, 'text', 'text'],
    ])
    expect(JSON.parse(rows[0]!.after as string)).toEqual(made)
    expect(JSON.parse(rows[1]!.before as string)).toEqual(made)
    expect(JSON.parse(rows[1]!.after as string)).toMatchObject({ note: 'checked', version: 2 })
  })

  it('reads revisions back oldest first with their records parsed, and restores from the last one', () => {
    const { sqlite, engine } = setup()
    const made = engine.create(source, SOURCE, who)
    const id = made.id as string
    const gone = engine.remove(source, id, `"v${made.version as number}-json"`, who)
    expect(sqlite.prepare('SELECT record_type AS recordType, record_id AS recordId, deleted_at AS deletedAt, version FROM deletions').all())
      .toEqual([{ recordType: 'source', recordId: id, deletedAt: gone.deletedAt, version: gone.datasetVersion }])
    // A deleted id is not handed out again to a new record of the same name.
    expect(engine.create(source, SOURCE, who).id).toBe(`${id}-2`)
    const back = engine.restore(source, id, who)
    expect(back).toMatchObject({ ...SOURCE, id })
    expect(sqlite.prepare(`SELECT count(*) AS n FROM deletions WHERE record_id = ?`).get(id)).toEqual({ n: 0 })
    const history = engine.revisions(source, id)
    expect(history.map((r) => Object.keys(r))).toEqual(Array(3).fill(['id', 'operation', 'keyName', 'at', 'datasetVersion', 'before', 'after']))
    expect(history.map((r) => [r.operation, r.datasetVersion])).toEqual([['create', 1], ['delete', 2], ['restore', 4]])
    expect(history[0]!.before).toBeNull()
    expect(history[1]!.before).toEqual(made)
    expect(history[1]!.after).toBeNull()
    expect(history[2]!.after).toEqual(back)
    expect(() => engine.restore(source, 'never-was', who)).toThrow(/deleted source/)
  })

  it('replaces citations, leaving a tombstone for each one dropped', () => {
    const { sqlite, engine } = setup()
    const src = engine.create(source, SOURCE, who).id as string
    const made = engine.create(actor, { name: 'Monitor', kind: 'international_organisation', citations: [
      { sourceId: src, paragraph: 3 }, { sourceId: src, locator: 'caption', quote: 'a quote' }, { sourceId: src },
    ] }, who)
    expect(made.citations).toEqual([
      { sourceId: src, paragraph: null, locator: 'caption', quote: 'a quote' },
      { sourceId: src, paragraph: null, locator: 'whole source', quote: null },
      { sourceId: src, paragraph: 3, locator: 'para. 3', quote: null },
    ])
    const ids = sqlite.prepare(`SELECT id FROM citations WHERE record_id = ? ORDER BY id`).pluck().all(made.id) as number[]
    const after = engine.update(actor, made.id as string, { citations: [{ sourceId: src, paragraph: 4 }] }, `"v${made.version as number}-json"`, who)
    expect(after.citations).toEqual([{ sourceId: src, paragraph: 4, locator: 'para. 4', quote: null }])
    const tombs = sqlite.prepare(`SELECT record_id AS id, version FROM deletions WHERE record_type = 'citation' ORDER BY id`).all()
    expect(tombs).toEqual(ids.map((id) => ({ id: String(id), version: after.version })))
  })
})
