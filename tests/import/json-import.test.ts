import type Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { ImportFileError } from '../../src/modules/import/report.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'
import { checkIntegrity, counts, grew, sample, version } from './support.ts'

describe('import of this API\'s own exports', () => {
  for (const file of ['timeline.ndjson', 'timeline.json']) {
    it(`${file}: records upserted in dependency order, links folded into their records`, async () => {
      const app = await buildTestApp()
      const sqlite = app.storage.sqlite
      const before = counts(sqlite)
      const report = await importFile(sqlite, { format: 'json', path: sample(file) })
      // 2 sources, 4 actors, 2 places, 2 events, 1 figure, 1 displacement count, 1 statement.
      expect(report).toMatchObject({ rows: 13, imported: 13, updated: 0, unchanged: 0, rejected: [] })
      expect(grew(before, counts(sqlite))).toMatchObject({
        sources: 2, actors: 4, places: 2, events: 2, eventActors: 3, casualtyReports: 1, displacementCounts: 1, statements: 1, statementEvents: 1, citations: 7,
      })
      // Both point at records listed after them in the file.
      expect((await getJson(app, '/v1/actors/sample-first-brigade')).body.data.affiliationId).toBe('sample-army')
      expect(sqlite.prepare(`SELECT parent_id FROM places WHERE id = 'sample-district'`).pluck().get()).toBe('sample-province')

      const ceasefire = (await getJson(app, '/v1/events/sample-ceasefire-2024-04')).body.data
      expect(ceasefire).toMatchObject({ start: '2024-04-01T12:00+04:00', datePrecision: 'minute', place: { id: 'sample-district' } })
      expect(ceasefire.actors.map((a: any) => a.id).sort()).toEqual(['sample-army', 'sample-republic'])
      expect(ceasefire.statements.map((s: any) => s.id)).toEqual(['sample-spokesperson-ceasefire'])
      expect(ceasefire.citations).toHaveLength(2)
      const shelling = (await getJson(app, '/v1/events/sample-shelling-2024-03')).body.data
      expect(shelling.casualtyReports).toEqual([expect.objectContaining({ low: 3, qualifier: 'at_least', citations: [expect.objectContaining({ quote: 'at least three civilians were killed' })] })])

      const v = version(sqlite)
      const again = await importFile(sqlite, { format: 'json', path: sample(file) })
      expect(again).toMatchObject({ rows: 13, imported: 0, updated: 0, unchanged: 13 })
      expect(version(sqlite)).toBe(v)
    })
  }

  for (const format of ['ndjson', 'json']) {
    it(`a filtered ${format} export imported back changes nothing: a statement keeps its links to events outside the slice`, async () => {
      const app = await buildTestApp()
      const sqlite = app.storage.sqlite
      const statement = async () => [...(await getJson(app, '/v1/statements/hajiyev-general-amnesty')).body.data.eventIds].sort()
      const links = await statement()
      expect(links.length).toBeGreaterThan(1)
      const file = join(tempDir(), `slice.${format}`)
      writeFileSync(file, (await app.inject(`/v1/export?format=${format}&type=ceasefire`)).body)
      // The slice lists the statement with only its link to the ceasefire.
      expect(readFileSync(file, 'utf8')).toContain('hajiyev-general-amnesty')
      const v = version(sqlite)
      const report = await importFile(sqlite, { format: 'json', path: file })
      expect(report).toMatchObject({ imported: 0, updated: 0, rejectedRows: 0 })
      expect(await statement()).toEqual(links)
      expect(version(sqlite)).toBe(v)
    })
  }

  it('the NDJSON and JSON samples hold the same records', async () => {
    const app = await buildTestApp({ seedOnStart: false })
    await importFile(app.storage.sqlite, { format: 'json', path: sample('timeline.ndjson') })
    expect(await importFile(app.storage.sqlite, { format: 'json', path: sample('timeline.json') })).toMatchObject({ unchanged: 13, updated: 0, imported: 0 })
  })

  it('a changed record is the only one updated, and a changed citation counts as a change', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    await importFile(sqlite, { format: 'json', path: sample('timeline.ndjson') })
    const changed = join(tempDir(), 'timeline.ndjson')
    writeFileSync(changed, readFileSync(sample('timeline.ndjson'), 'utf8').replace('"locator":"para. 5"', '"locator":"para. 6"'))
    expect(await importFile(sqlite, { format: 'json', path: changed })).toMatchObject({ imported: 0, updated: 1, unchanged: 12 })
    expect((await getJson(app, '/v1/displacement-counts/sample-displaced-2024-04')).body.data.citations[0].locator).toBe('para. 6')
  })

  it('actors that would belong to each other: the link closing the loop is refused, the records kept', async () => {
    const app = await buildTestApp({ seedOnStart: false })
    const sqlite = app.storage.sqlite
    const file = join(tempDir(), 'cycle.ndjson')
    const actor = (id: string, affiliationId: string) => JSON.stringify({ type: 'actor', data: { id, name: id, aliases: [], kind: 'armed_group', affiliationId, description: null } })
    writeFileSync(file, [actor('sample-alpha', 'sample-beta'), actor('sample-beta', 'sample-alpha')].join('\n'))
    const report = await importFile(sqlite, { format: 'json', path: file })
    expect(report).toMatchObject({ rows: 2, imported: 1 })
    expect(report.rejected).toEqual([expect.objectContaining({ externalId: 'actor:sample-beta', reason: expect.stringMatching(/part of itself.*kept without this link/) })])
    expect(sqlite.prepare('SELECT id, affiliation_id AS a FROM actors ORDER BY id').all()).toEqual([{ id: 'sample-alpha', a: 'sample-beta' }, { id: 'sample-beta', a: null }])
  })

  it('reports every bad line and record and keeps the rest', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const report = await importFile(sqlite, { format: 'json', path: sample('timeline-bad.ndjson') })
    expect(report.rows).toBe(9)
    expect(report.rows).toBe(report.imported + report.updated + report.unchanged + report.rejected.length)
    expect(report.imported).toBe(3)
    expect(report.rejected.map((r) => [r.row, r.externalId])).toEqual([
      [3, null], [4, null], [6, 'actor:sample-ghost-unit'], [7, 'event:sample-bad-date'], [9, 'casualty_report:sample-orphan-figure'], [10, null]])
    const reasons = report.rejected.map((r) => r.reason)
    expect(reasons[0]).toMatch(/line 3 is not valid JSON/)
    expect(reasons[1]).toMatch(/"weapon" is not a record type/)
    expect(reasons[2]).toMatch(/affiliationId: actor "sample-nonexistent-command" does not exist/)
    expect(reasons[3]).toMatch(/start: not a real calendar date/)
    expect(reasons[4]).toMatch(/eventId: event "sample-missing-event" does not exist/)
    expect(reasons[5]).toMatch(/citation of event sample-not-in-file: its record is not in the file/)
    // The citation line of the good event came after it in the file and still reached it.
    expect((await getJson(app, '/v1/events/sample-good-event')).body.data.citations).toHaveLength(1)
    expect(checkIntegrity(sqlite)).toEqual({ integrity: 'ok', foreignKeys: [] })
  })

  it('refuses files that are not exports', async () => {
    const app = await buildTestApp()
    const dir = tempDir()
    const cases: [string, string, RegExp][] = [
      ['empty.json', '  \n', /the file is empty/],
      ['list.json', '[1, 2]', /should start with "\{"/],
      ['broken.json', '{"meta": {', /not valid JSON/],
      ['other.json', '{"people": []}', /"people" is not a resource/],
      ['filters.ndjson', '{"type":"meta","filters":"everything"}\n', /meta line's "filters" should be an object/],
    ]
    for (const [name, text, message] of cases) {
      writeFileSync(join(dir, name), text)
      const err = await importFile(app.storage.sqlite, { format: 'json', path: join(dir, name) }).catch((e) => e)
      expect(err, name).toBeInstanceOf(ImportFileError)
      expect(err.message, name).toMatch(message)
    }
  })
})

describe('round trip through an export', () => {
  for (const format of ['ndjson', 'json']) {
    it(`${format}: the seeded dataset exported and imported into an empty database has the same records`, async () => {
      const source = await buildTestApp()
      const file = join(tempDir(), `export.${format}`)
      writeFileSync(file, (await source.inject({ method: 'GET', url: `/v1/export?format=${format}` })).body)
      const target = await buildTestApp({ seedOnStart: false })
      expect((await getJson(target, '/v1/dataset')).body.data.counts.events).toBe(0)

      const report = await importFile(target.storage.sqlite, { format: 'json', path: file })
      expect(report.rejected).toEqual([])
      expect(report.imported).toBe(report.rows)
      const [from, to] = [(await getJson(source, '/v1/dataset')).body.data.counts, (await getJson(target, '/v1/dataset')).body.data.counts]
      expect(to).toEqual(from)

      // Record by record, but for the stamps each database gives its own writes.
      const strip = (doc: any) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'meta').map(([k, rows]) => [k,
        (rows as any[]).map(({ createdAt: _c, updatedAt: _u, ...r }) => (k === 'citations' ? { ...r, id: undefined } : r))]))
      const exported = async (app: typeof source) => strip(JSON.parse((await app.inject({ method: 'GET', url: '/v1/export?format=json' })).body))
      expect(await exported(target)).toEqual(await exported(source))

      const v = version(target.storage.sqlite)
      expect(await importFile(target.storage.sqlite, { format: 'json', path: file })).toMatchObject({ imported: 0, updated: 0, unchanged: report.rows })
      expect(version(target.storage.sqlite)).toBe(v)

      // Later writes reach the copy through an export taken with updatedSince: each record written
      // since comes with all its links and citations, and nothing else does.
      const since = new Date().toISOString()
      const admin = { authorization: `Bearer ${createKey(source.storage.sqlite, 'a', 'admin').key}` }
      const event = (await getJson(source, '/v1/events/ceasefire-2023-09-20')).body.data
      const patched = await source.inject({ method: 'PATCH', url: '/v1/events/ceasefire-2023-09-20', headers: { ...admin, 'if-match': (await source.inject('/v1/events/ceasefire-2023-09-20')).headers.etag as string },
        payload: { title: 'Ceasefire, revised', actors: [{ actorId: event.actors[0].id, role: event.actors[0].role }], citations: [{ sourceId: event.citations[0].source.id, paragraph: event.citations[0].paragraph, quote: null }] } })
      expect(patched.statusCode).toBe(200)
      const delta = join(tempDir(), `delta.${format}`)
      writeFileSync(delta, (await source.inject({ method: 'GET', url: `/v1/export?format=${format}&updatedSince=${since}` })).body)
      const lines = (await source.inject({ method: 'GET', url: `/v1/export?format=json&updatedSince=${since}` })).json()
      expect(lines.events.map((e: any) => e.id)).toEqual(['ceasefire-2023-09-20'])
      expect(lines.eventActors).toEqual([expect.objectContaining({ eventId: 'ceasefire-2023-09-20', actorId: event.actors[0].id })])
      expect(lines.citations).toHaveLength(1)
      expect(lines.statementEvents).toEqual([])
      expect(await importFile(target.storage.sqlite, { format: 'json', path: delta })).toMatchObject({ rejectedRows: 0, updated: 1 })
      expect(await exported(target)).toEqual(await exported(source))
    })
  }
})

describe('a copy restored from an export', () => {
  const idsElsewhere = (sqlite: Database.Database) => sqlite.prepare(`SELECT system, external_id, record_type, record_id FROM external_ids
    WHERE system <> 'json' ORDER BY system, external_id, record_type`).all()

  it.each(['acled', 'ucdp'] as const)('takes the next import of the %s file its records came from, as the original database does', async (format) => {
    const original = await buildTestApp()
    const file = sample(`${format}.csv`)
    await importFile(original.storage.sqlite, { format, path: file })
    const exported = join(tempDir(), 'copy.ndjson')
    writeFileSync(exported, (await original.inject('/v1/export?format=ndjson')).rawPayload)

    const copy = await buildTestApp()
    const restored = await importFile(copy.storage.sqlite, { format: 'json', path: exported })
    expect(restored.rejectedRows).toBe(0)
    // The export carries the ids each record has in the dataset it came from, so the copy knows
    // every one the original does and matches the next file's rows by them, as the original does.
    expect(idsElsewhere(original.storage.sqlite).length).toBeGreaterThan(0)
    expect(idsElsewhere(copy.storage.sqlite)).toEqual(idsElsewhere(original.storage.sqlite))
    const before = counts(copy.storage.sqlite)
    const at = version(copy.storage.sqlite)
    // The same file again: every row lands on the record it made, and nothing is written.
    const again = await importFile(copy.storage.sqlite, { format, path: file })
    expect(again.rejected).toEqual([])
    expect(again.rejectedRows).toBe(0)
    expect(again.imported).toBe(0)
    expect(counts(copy.storage.sqlite)).toEqual(before)
    expect(again.unchanged).toBe(again.rows)
    expect(version(copy.storage.sqlite)).toBe(at)
  })

  it('as a JSON document or NDJSON, sliced or whole, lists only the external ids of its own records and none of the bookkeeping', async () => {
    const original = await buildTestApp()
    await importFile(original.storage.sqlite, { format: 'acled', path: sample('acled.csv') })
    const whole = (await original.inject('/v1/export?format=json')).json()
    expect(whole.externalIds).toEqual(idsElsewhere(original.storage.sqlite)
      .map((r: any) => ({ recordType: r.record_type, recordId: r.record_id, system: r.system, externalId: r.external_id }))
      .sort((a: any, b: any) => (a.recordType + a.recordId + a.system + a.externalId < b.recordType + b.recordId + b.system + b.externalId ? -1 : 1)))
    const event = whole.events.find((e: any) => e.id.startsWith('acled-'))
    const slice = (await original.inject(`/v1/export?format=json&from=${event.start.slice(0, 10)}&to=${event.start.slice(0, 10)}`)).json()
    const inSlice = new Set(Object.entries(slice).flatMap(([k, list]) => (k === 'meta' || !Array.isArray(list) ? [] : list.map((r: any) => r.id))))
    expect(slice.externalIds.length).toBeGreaterThan(0)
    expect(slice.externalIds.filter((x: any) => !inSlice.has(x.recordId))).toEqual([])
    expect(slice.externalIds).toContainEqual(expect.objectContaining({ recordType: 'event', recordId: event.id, system: 'acled' }))
    // A copy of the copy: the restored records' own mark (system "json") stays out of its export.
    const copy = await buildTestApp()
    const path = join(tempDir(), 'copy.json')
    writeFileSync(path, JSON.stringify(whole))
    expect((await importFile(copy.storage.sqlite, { format: 'json', path })).rejectedRows).toBe(0)
    expect((copy.storage.sqlite.prepare(`SELECT count(*) FROM external_ids WHERE system = 'json'`).pluck().get() as number)).toBeGreaterThan(0)
    const again = (await copy.inject('/v1/export?format=json')).json()
    expect(again.externalIds).toEqual(whole.externalIds)
    const manifest = (await copy.inject('/v1/export/manifest?format=ndjson')).json()
    expect(manifest.counts?.externalIds ?? manifest.data?.counts?.externalIds).toBe(whole.externalIds.length)
  })

  it('refuses an external id of a record not in the file, or of no record type, or in the bookkeeping system', async () => {
    const copy = await buildTestApp()
    const path = join(tempDir(), 'odd.ndjson')
    const line = (type: string, data: object) => JSON.stringify({ type, data })
    writeFileSync(path, [
      line('source', { id: 'wire', publisher: 'Wire', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' }),
      line('external_id', { recordType: 'source', recordId: 'wire', system: 'acled', externalId: 'Wire' }),
      line('external_id', { recordType: 'source', recordId: 'absent', system: 'acled', externalId: 'Absent' }),
      line('external_id', { recordType: 'planet', recordId: 'wire', system: 'acled', externalId: 'X' }),
      line('external_id', { recordType: 'source', recordId: 'wire', system: 'json', externalId: 'wire' }),
    ].join('\n') + '\n')
    const report = await importFile(copy.storage.sqlite, { format: 'json', path })
    expect(report.rejected.map((r: any) => [r.row, r.reason])).toEqual([
      [3, expect.stringContaining('its record is not in the file')],
      [4, expect.stringContaining('"planet" is no record type')],
      [5, expect.stringContaining('bookkeeping')],
    ].sort((a, b) => (a[0] as number) - (b[0] as number)))
    expect(idsElsewhere(copy.storage.sqlite)).toEqual([{ system: 'acled', external_id: 'Wire', record_type: 'source', record_id: 'wire' }])
  })
})
