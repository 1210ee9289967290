import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importFile } from '../../src/modules/import/importer.ts'
import { ImportFileError } from '../../src/modules/import/report.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'
import { checkIntegrity, counts, grew, sample, version } from './support.ts'

describe('ACLED import', () => {
  it('imports the sample: events, actors, places, sources, figures, all visible through the API', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const before = counts(sqlite)
    const report = await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    expect(report).toEqual({ file: sample('acled.csv'), format: 'acled', rows: 8, imported: 8, updated: 0, unchanged: 0, rejectedRows: 0, rejected: [], rejectsFile: null, shortenedRows: 0, shortened: [] })
    // 8 rows; 8 distinct actor names, 5 places, 3 publishers; fatalities > 0 in 5 rows; one row cites two sources.
    expect(grew(before, counts(sqlite))).toMatchObject({ events: 8, actors: 8, places: 5, sources: 3, casualtyReports: 5, citations: 9 + 5 })

    const listed = (await getJson(app, '/v1/events?limit=200')).body.data.map((e: any) => e.id)
    expect(listed.filter((id: string) => id.startsWith('acled-')).sort()).toEqual(
      ['acled-smp1001', 'acled-smp1002', 'acled-smp1003', 'acled-smp1004', 'acled-smp1005', 'acled-smp1006', 'acled-smp1007', 'acled-smp1008'])

    const clash = (await getJson(app, '/v1/events/acled-smp1001')).body.data
    expect(clash).toMatchObject({ title: 'Battles: Armed clash in Sample Town', type: 'attack', start: '2024-03-02', datePrecision: 'day', dateBasis: 'stated' })
    expect(clash.place).toMatchObject({ name: 'Sample Town', latitude: 40.1234, longitude: 45.5678 })
    expect(clash.actors.map((a: any) => [a.name, a.role, a.kind]).sort()).toEqual([
      ['Military Forces of Sampleland (2019-)', 'initiator', 'armed_forces'], ['Sample Liberation Front', 'target', 'armed_group']])
    expect(clash.casualtyReports).toEqual([expect.objectContaining({ outcome: 'killed', low: 3, high: null, qualifier: 'at_least' })])
    expect(clash.citations[0]).toMatchObject({ locator: 'ACLED SMP1001', source: expect.objectContaining({ publisher: 'Sample Herald' }) })

    const week = (await getJson(app, '/v1/events/acled-smp1002')).body.data
    expect(week).toMatchObject({ start: '2024-03-05', datePrecision: 'day', dateBasis: 'inferred', dateNote: 'ACLED time_precision 2: the date is within a week', casualtyReports: [] })
    expect(week.citations).toHaveLength(2)
    expect((await getJson(app, '/v1/events/acled-smp1005')).body.data).toMatchObject({ start: '2024-03', datePrecision: 'month', type: 'agreement' })
    expect((await getJson(app, '/v1/events/acled-smp1006')).body.data.type).toBe('offensive')
    expect((await getJson(app, '/v1/events/acled-smp1004')).body.data.type).toBe('statement')

    const figures = (await getJson(app, '/v1/casualty-reports?limit=200')).body.data.filter((c: any) => c.id.startsWith('acled-'))
    expect(figures.map((c: any) => [c.eventId, c.victimGroup, c.low]).sort()).toEqual([
      ['acled-smp1001', 'people', 3], ['acled-smp1003', 'civilians', 2], ['acled-smp1006', 'people', 5], ['acled-smp1007', 'people', 1], ['acled-smp1008', 'people', 4]])
  })

  it('commits in batches and reports progress after each', async () => {
    const app = await buildTestApp()
    const seen: number[] = []
    const report = await importFile(app.storage.sqlite, { format: 'acled', path: sample('acled.csv'), batch: 3, onProgress: (p) => seen.push(p.rows) })
    expect(seen).toEqual([3, 6, 8])
    expect(report.imported).toBe(8)
  })

  it('a second import of the same file changes nothing and keeps the dataset version', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    const [before, v] = [counts(sqlite), version(sqlite)]
    const again = await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    expect(again).toMatchObject({ rows: 8, imported: 0, updated: 0, unchanged: 8, rejected: [] })
    expect(version(sqlite)).toBe(v)
    expect(counts(sqlite)).toEqual(before)
  })

  it('a re-import with one row changed updates exactly that row', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    const changed = join(tempDir(), 'acled.csv')
    writeFileSync(changed, readFileSync(sample('acled.csv'), 'utf8').replace('Gunmen fired on a market', 'Gunmen fired on a bus station'))
    const v = version(sqlite)
    const report = await importFile(sqlite, { format: 'acled', path: changed })
    expect(report).toMatchObject({ rows: 8, imported: 0, updated: 1, unchanged: 7, rejected: [] })
    expect(version(sqlite)).toBe(v + 1)
    expect((await getJson(app, '/v1/events/acled-smp1003')).body.data.summary).toMatch(/bus station/)
  })

  it('a row whose fatalities drop to 0 loses its figure; one that gains them gets one', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    await importFile(sqlite, { format: 'acled', path: sample('acled.csv') })
    const text = readFileSync(sample('acled.csv'), 'utf8')
      .replace('Synthetic sample row.",3,', 'Synthetic sample row.",0,')
      .replace('no casualties reported. Synthetic sample row.,0,', 'no casualties reported. Synthetic sample row.,6,')
    const changed = join(tempDir(), 'acled.csv')
    writeFileSync(changed, text)
    const report = await importFile(sqlite, { format: 'acled', path: changed })
    expect(report).toMatchObject({ imported: 0, updated: 2, unchanged: 6 })
    expect((await getJson(app, '/v1/events/acled-smp1001')).body.data.casualtyReports).toEqual([])
    expect((await getJson(app, '/v1/events/acled-smp1002')).body.data.casualtyReports).toEqual([expect.objectContaining({ low: 6 })])
  })

  it('rejects a figure past a billion, naming its column, and keeps the summary answering', async () => {
    const app = await buildTestApp()
    const text = readFileSync(sample('acled.csv'), 'utf8').replace('Synthetic sample row.",3,', 'Synthetic sample row.",5000000000000000,')
    const huge = join(tempDir(), 'acled.csv')
    writeFileSync(huge, text)
    const report = await importFile(app.storage.sqlite, { format: 'acled', path: huge })
    expect(report).toMatchObject({ rows: 8, imported: 7 })
    expect(report.rejected[0]!.reason).toMatch(/fatalities 5000000000000000 is more than 1,000,000,000/)
    expect((await app.inject('/v1/casualty-reports/summary')).statusCode).toBe(200)
  })

  it('counts the rows whose cells were shortened to fit, naming each cell and its length', async () => {
    const app = await buildTestApp()
    const longNotes = 'Long notes. '.repeat(600).trim()
    const longActor = `Sample Front ${'of the North '.repeat(20).trim()}`
    const text = readFileSync(sample('acled.csv'), 'utf8')
      .replace('"On 2 March 2024, military forces of Sampleland clashed with the Sample Liberation Front near Sample Town. Synthetic sample row."', `"${longNotes}"`)
      .replace('Shelling/artillery/missile attack,Sample Liberation Front,', `Shelling/artillery/missile attack,${longActor},`)
    const file = join(tempDir(), 'acled.csv')
    writeFileSync(file, text)
    const report = await importFile(app.storage.sqlite, { format: 'acled', path: file })
    expect(report).toMatchObject({ rows: 8, imported: 8, rejectedRows: 0, shortenedRows: 2 })
    expect(report.shortened).toEqual([
      { row: 2, externalId: 'SMP1001', cells: [`notes (the summary): ${longNotes.length} characters, shortened to 5000`] },
      { row: 3, externalId: 'SMP1002', cells: [`actor1 (an actor's name): ${longActor.length} characters, shortened to 200`] },
    ])
    const summary = (await getJson(app, '/v1/events/acled-smp1001')).body.data.summary as string
    expect(summary).toHaveLength(5000)
    expect(summary.endsWith('…')).toBe(true)
  })

  it('never cuts a character outside the Basic Multilingual Plane in half, and the same file again changes nothing', async () => {
    const app = await buildTestApp()
    // The emoji's two UTF-16 units straddle the cut at 4,999: cut there, half of it was stored.
    const notes = `${'a'.repeat(4998)}\u{1F600} end`
    const text = readFileSync(sample('acled.csv'), 'utf8')
      .replace('"On 2 March 2024, military forces of Sampleland clashed with the Sample Liberation Front near Sample Town. Synthetic sample row."', `"${notes}"`)
    const file = join(tempDir(), 'acled.csv')
    writeFileSync(file, text)
    const first = await importFile(app.storage.sqlite, { format: 'acled', path: file })
    expect(first).toMatchObject({ imported: 8, shortenedRows: 1 })
    const summary = (await getJson(app, '/v1/events/acled-smp1001')).body.data.summary as string
    expect(summary).toBe(`${'a'.repeat(4998)}…`)
    const again = await importFile(app.storage.sqlite, { format: 'acled', path: file })
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 8 })
  })

  it('names the record and the column of an actor, place or source cell it refuses', async () => {
    const app = await buildTestApp()
    const text = readFileSync(sample('acled.csv'), 'utf8')
      .replace('Armed clash,Military Forces of Sampleland (2019-),,Sample Liberation Front,', 'Armed clash,Military Forces of Sampleland (2019-),,Sample\u0001Front,')
      .replace(',Exampleville,40.2,', ',Example\u0001ville,40.2,')
    const file = join(tempDir(), 'acled.csv')
    writeFileSync(file, text)
    const report = await importFile(app.storage.sqlite, { format: 'acled', path: file })
    const reasons = Object.fromEntries(report.rejected.map((r) => [r.externalId, r.reason]))
    expect(reasons.SMP1001).toMatch(/^actor "Sample\u0001Front" \(column actor2\): name: .*control character/)
    expect(reasons.SMP1002).toMatch(/^place "Example\u0001ville" \(column location\): name: .*control character/)
  })

  it('keeps the good rows of a bad file and names the problem with each bad one', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const report = await importFile(sqlite, { format: 'acled', path: sample('acled-bad.csv') })
    expect(report).toMatchObject({ rows: 9, imported: 2, updated: 0, unchanged: 0 })
    expect(report.rows).toBe(report.imported + report.updated + report.unchanged + report.rejected.length)
    expect(report.rejected.map((r) => [r.row, r.externalId])).toEqual([
      [3, 'SMPB002'], [4, 'SMPB003'], [5, 'SMPB004'], [6, 'SMPB005'], [8, 'SMPB007'], [9, 'SMPB008'], [10, 'SMPB001']])
    const reasons = report.rejected.map((r) => r.reason)
    expect(reasons[0]).toMatch(/event_date "2024-02-30" is not a real calendar date/)
    expect(reasons[1]).toMatch(/actor1 is empty/)
    expect(reasons[2]).toMatch(/fatalities "several" is not a whole number/)
    expect(reasons[3]).toMatch(/latitude 123\.5 is out of range/)
    expect(reasons[4]).toMatch(/event_type "Skirmishes"/)
    expect(reasons[5]).toMatch(/6 fields where the header has 17/)
    expect(reasons[6]).toMatch(/SMPB001.*already appeared on line 2/)
    const ids = sqlite.prepare(`SELECT id FROM events WHERE id LIKE 'acled-%' ORDER BY id`).pluck().all()
    expect(ids).toEqual(['acled-smpb001', 'acled-smpb006'])
    // Nothing of a rejected row is left behind, not even the place only it named.
    expect(sqlite.prepare(`SELECT count(*) FROM places WHERE name = 'Nowhere Point'`).pluck().get()).toBe(0)
    expect(checkIntegrity(sqlite)).toEqual({ integrity: 'ok', foreignKeys: [] })
  })

  it('refuses a file without the columns it needs before writing anything', async () => {
    const app = await buildTestApp()
    const v = version(app.storage.sqlite)
    const err = await importFile(app.storage.sqlite, { format: 'acled', path: sample('ucdp.csv') }).catch((e) => e)
    expect(err).toBeInstanceOf(ImportFileError)
    expect(err.message).toMatch(/missing columns event_id_cnty, event_date/)
    expect(version(app.storage.sqlite)).toBe(v)
  })
})

describe('UCDP GED import', () => {
  it('imports the sample with UCDP bounds, precision and sides', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const before = counts(sqlite)
    const report = await importFile(sqlite, { format: 'ucdp', path: sample('ucdp.csv') })
    expect(report).toMatchObject({ rows: 6, imported: 6, updated: 0, unchanged: 0, rejected: [] })
    // 4 distinct sides, 5 places (two rows share Sample Town), 7 distinct source_article pieces,
    // one row with two of them: 7 citations on the events and 7 on their figures.
    expect(grew(before, counts(sqlite))).toMatchObject({ events: 6, actors: 4, places: 5, sources: 7, casualtyReports: 6, citations: 7 + 7 })

    const listed = (await getJson(app, '/v1/events?limit=200')).body.data.map((e: any) => e.id)
    expect(listed.filter((id: string) => id.startsWith('ucdp-'))).toHaveLength(6)
    const oneSided = (await getJson(app, '/v1/events/ucdp-900003')).body.data
    expect(oneSided).toMatchObject({ start: '2024-03', datePrecision: 'month', dateBasis: 'inferred', type: 'attack' })
    expect(oneSided.actors.map((a: any) => [a.name, a.role]).sort()).toEqual([['Civilians', 'target'], ['Sample Liberation Front', 'initiator']])
    expect(oneSided.casualtyReports).toEqual([expect.objectContaining({ low: 5, high: 12, best: 7, qualifier: 'about', outcome: 'killed' })])
    expect((await getJson(app, '/v1/events/ucdp-900002')).body.data).toMatchObject({ start: '2024-03-04', end: '2024-03-07', datePrecision: 'day', dateBasis: 'inferred' })
    expect((await getJson(app, '/v1/events/ucdp-900004')).body.data).toMatchObject({ start: '2024', datePrecision: 'year' })
    const stated = (await getJson(app, '/v1/events/ucdp-900001')).body.data
    expect(stated.actors.map((a: any) => a.role)).toEqual(['party', 'party'])
    expect(stated.citations[0].source).toMatchObject({ publisher: 'Sample Herald', publishedDate: '2024-03-03' })
  })

  it('re-imports unchanged, then updates the one row whose figures changed', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    await importFile(sqlite, { format: 'ucdp', path: sample('ucdp.csv') })
    const [before, v] = [counts(sqlite), version(sqlite)]
    expect(await importFile(sqlite, { format: 'ucdp', path: sample('ucdp.csv') })).toMatchObject({ imported: 0, updated: 0, unchanged: 6 })
    expect(version(sqlite)).toBe(v)
    expect(counts(sqlite)).toEqual(before)
    const changed = join(tempDir(), 'ucdp.csv')
    writeFileSync(changed, readFileSync(sample('ucdp.csv'), 'utf8').replace(',0,0,7,0,7,12,5,', ',0,0,9,0,9,12,5,'))
    expect(await importFile(sqlite, { format: 'ucdp', path: changed })).toMatchObject({ imported: 0, updated: 1, unchanged: 5 })
    expect((await getJson(app, '/v1/casualty-reports/ucdp-900003-killed')).body.data).toMatchObject({ best: 9, low: 5, high: 12 })
  })

  it('keeps the good rows of a bad file and names the problem with each bad one', async () => {
    const app = await buildTestApp()
    const sqlite = app.storage.sqlite
    const report = await importFile(sqlite, { format: 'ucdp', path: sample('ucdp-bad.csv') })
    expect(report).toMatchObject({ rows: 8, imported: 2 })
    expect(Object.fromEntries(report.rejected.map((r) => [r.externalId, r.reason]))).toEqual({
      910002: expect.stringMatching(/date_prec "9"/),
      910003: expect.stringMatching(/low 5 is above best 2/),
      910004: expect.stringMatching(/date_end 2024-05-04 is before date_start 2024-05-09/),
      910005: expect.stringMatching(/best "many" is not a whole number/),
      910006: expect.stringMatching(/longitude 200 is out of range/),
      910008: expect.stringMatching(/side_b is empty/),
    })
    expect(sqlite.prepare(`SELECT id FROM events WHERE id LIKE 'ucdp-%' ORDER BY id`).pluck().all()).toEqual(['ucdp-910001', 'ucdp-910007'])
    expect(checkIntegrity(sqlite)).toEqual({ integrity: 'ok', foreignKeys: [] })
  })
})
