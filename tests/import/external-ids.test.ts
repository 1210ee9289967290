import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase, type Storage } from '../../src/db/client.ts'
import { RESOURCE_BY_TYPE } from '../../src/modules/curation/resources.ts'
import { RecordStore } from '../../src/modules/import/store.ts'

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
