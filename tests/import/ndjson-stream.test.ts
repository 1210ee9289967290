import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { exportShape } from '../../src/modules/import/json-input.ts'
import type { ImportReport } from '../../src/modules/import/report.ts'
import { buildTestApp, tempDir } from '../helper.ts'
import { checkIntegrity, counts, sample } from './support.ts'

type App = Awaited<ReturnType<typeof buildTestApp>>

/** Every record as exported, but for the stamps each database gives its own writes. */
async function exported(app: App) {
  const doc = JSON.parse((await app.inject({ method: 'GET', url: '/v1/export?format=json' })).body)
  return Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'meta').map(([k, rows]) => [k,
    (rows as any[]).map(({ createdAt: _c, updatedAt: _u, ...r }) => (k === 'citations' ? { ...r, id: undefined } : r))]))
}

/**
 * The same records written as NDJSON (streamed through the scratch database) and as a JSON
 * document (planned in memory), each imported into an empty database: the two reports must be
 * the same once NDJSON's line numbers (the meta line is line 1) are taken back to record positions,
 * and the two databases must hold the same records.
 */
async function compareShapes(ndjson: string, json: string, batch: number) {
  expect(exportShape(ndjson)).toBe('ndjson')
  expect(exportShape(json)).toBe('json')
  const [streamed, inMemory] = [await buildTestApp({ seedOnStart: false }), await buildTestApp({ seedOnStart: false })]
  const a = await importFile(streamed.storage.sqlite, { format: 'json', path: ndjson, batch })
  const b = await importFile(inMemory.storage.sqlite, { format: 'json', path: json, batch })
  const shifted = (r: ImportReport) => ({ ...r, file: '', rejectsFile: null, rejected: r.rejected.map((x) => ({ ...x, row: x.row - 1, reason: x.reason.replace(/row (\d+)/, (_, n) => `row ${n - 1}`) })) })
  expect(shifted(a)).toEqual({ ...b, file: '', rejectsFile: null })
  const { revisions: _ra, ...ca } = counts(streamed.storage.sqlite)
  const { revisions: _rb, ...cb } = counts(inMemory.storage.sqlite)
  expect(ca).toEqual(cb)
  expect(await exported(streamed)).toEqual(await exported(inMemory))
  expect(checkIntegrity(streamed.storage.sqlite)).toEqual({ integrity: 'ok', foreignKeys: [] })
  return a
}

async function exportBoth(app: App, dir: string): Promise<[string, string]> {
  const paths: [string, string] = [join(dir, 'export.ndjson'), join(dir, 'export.json')]
  for (const [i, format] of (['ndjson', 'json'] as const).entries()) writeFileSync(paths[i]!, (await app.inject({ method: 'GET', url: `/v1/export?format=${format}` })).body)
  return paths
}

describe('NDJSON exports streamed through a scratch database', () => {
  it('the seed export: the same report and the same database as the in-memory planner', async () => {
    const report = await compareShapes(...await exportBoth(await buildTestApp(), tempDir()), 500)
    expect(report.rows).toBeGreaterThan(50)
    expect(report.imported).toBe(report.rows)
  })

  it('a synthetic dataset larger than a page of the scratch database, in small batches', async () => {
    const source = await buildTestApp({ seedOnStart: false })
    synthesise(source.storage.sqlite, { events: 1200, seed: 7 })
    const report = await compareShapes(...await exportBoth(source, tempDir()), 97)
    expect(report).toMatchObject({ rejectedRows: 0, updated: 0, unchanged: 0 })
    expect(report.imported).toBe(report.rows)
    expect(report.rows).toBeGreaterThan(2000)
  }, 120_000)

  it('messy records: duplicates, missing ids, broken and orphan links, cycles: the same rejections in the same order', async () => {
    const dir = tempDir()
    const doc = JSON.parse(readFileSync(sample('timeline.json'), 'utf8'))
    const actor = (id: string, affiliationId: string | null, kind = 'armed_group') => ({ id, name: id, aliases: [], kind, affiliationId, description: null })
    const place = (id: string, parentId: string | null) => ({ id, name: id, aliases: [], kind: 'village', latitude: null, longitude: null, countryCode: null, parentId, note: null })
    // Listed children first, and in two cycles, one closed by a record that is itself rejected.
    doc.actors.unshift(actor('sample-child', 'sample-parent'), actor('sample-cycle-a', 'sample-cycle-b'), actor('sample-cycle-b', 'sample-cycle-a'),
      actor('sample-bad-a', 'sample-bad-b'), actor('sample-bad-b', 'sample-bad-a', 'no-such-kind'))
    doc.actors.push(actor('sample-parent', null), actor('sample-child', null), { name: 'no id' })
    doc.places.unshift(place('sample-hamlet', 'sample-district'))
    doc.events.push({ ...doc.events[0], title: 'twice' }, { title: 'no id' })
    doc.eventActors.push({ eventId: 'sample-absent', actorId: 'sample-army', role: 'initiator' }, { eventId: doc.events[0].id, actorId: 'sample-army' },
      { eventId: 'sample-absent-2', actorId: 'sample-army', role: 'target' }, { eventId: 'sample-absent', actorId: 'sample-republic', role: 'target' })
    doc.citations.push({ recordType: 'weapon', recordId: 'x', sourceId: doc.sources[0].id, paragraph: 1, locator: 'para. 1' },
      { recordType: 'source', recordId: doc.sources[0].id, sourceId: doc.sources[0].id, paragraph: 1, locator: 'para. 1' },
      { recordType: 'event', recordId: 'sample-absent', sourceId: doc.sources[0].id, paragraph: 1, locator: 'para. 1' }, { recordType: 'event' })
    doc.statementEvents.push({ statementId: 'sample-absent', eventId: doc.events[0].id })
    const json = join(dir, 'messy.json')
    writeFileSync(json, JSON.stringify(doc))
    const ndjson = join(dir, 'messy.ndjson')
    const type: Record<string, string> = { sources: 'source', actors: 'actor', places: 'place', events: 'event', eventActors: 'event_actor', casualtyReports: 'casualty_report',
      displacementCounts: 'displacement_count', statements: 'statement', statementEvents: 'statement_event', citations: 'citation' }
    const lines = [JSON.stringify({ type: 'meta', ...doc.meta })]
    for (const [k, rows] of Object.entries(doc)) if (k !== 'meta') for (const data of rows as unknown[]) lines.push(JSON.stringify({ type: type[k], data }))
    writeFileSync(ndjson, lines.join('\n') + '\n')

    const report = await compareShapes(ndjson, json, 3)
    const reasons = report.rejected.map((r) => r.reason).join('\n')
    for (const expected of [/actor "sample-child" appears twice/, /actor record without an id/, /event record without an id/, /event_actor record needs eventId, actorId and role/,
      /citation of weapon x: "weapon" is no record type; citations belong to actor, place, event, casualty_report, displacement_count, statement records/,
      new RegExp(`citation of source ${doc.sources[0].id}: a source record is not cited`), /event_actor sample-absent\/sample-army: its record is not in the file/,
      /statement_event sample-absent\/.*: its record is not in the file/, /part of itself.*kept without this link/]) expect(reasons).toMatch(expected)
  }, 60_000)
})

/** Temporary files this process holds open that are already unlinked: SQLite's scratch files. */
function openScratchFiles(): string[] {
  const fds = readdirSync('/proc/self/fd')
  return fds.map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`) } catch { return '' } }).filter((l) => /etilqs_.*\(deleted\)$/.test(l))
}

describe.runIf(process.platform === 'linux')('the scratch database', () => {
  it('spills to an unlinked temporary file while an import runs, closed after it, also when the file is refused part-way', async () => {
    const dir = tempDir()
    const data = { id: 'src', publisher: 'P', publishedDate: '2024-01-01', kind: 'news_report', language: 'en', note: 'N'.repeat(1990) }
    // 24 MB of records: more than the scratch database's page cache, so it has to go to disk.
    const body = (JSON.stringify({ type: 'source', data }) + '\n').repeat(12_000)
    const good = join(dir, 'good.ndjson')
    writeFileSync(good, body)
    // A meta line the file cannot be read by, found only at the end.
    const refused = join(dir, 'refused.ndjson')
    writeFileSync(refused, body + JSON.stringify({ type: 'meta', filters: 'everything' }) + '\n')
    const before = openScratchFiles().length
    for (const path of [good, refused]) {
      const app = await buildTestApp({ seedOnStart: false })
      let during = 0
      const outcome = await importFile(app.storage.sqlite, {
        format: 'json', path, onProgress: (p) => { if (p.stage === 'reading' && p.fraction === 1) during = openScratchFiles().length },
      }).catch((e: Error) => e)
      expect(during, path).toBeGreaterThan(before)
      expect(openScratchFiles().length, path).toBe(before)
      if (path === good) expect(outcome).toMatchObject({ rows: 12_000, imported: 1, rejectedRows: 11_999 })
      else expect((outcome as Error).message).toMatch(/"filters" should be an object/)
    }
  }, 60_000)
})
