import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { MAX_ROW_BYTES } from '../../src/modules/import/csv-reader.ts'
import { ImportFileError, REJECTIONS_SHOWN } from '../../src/modules/import/report.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'
import { sample } from './support.ts'

const run = promisify(execFile)
const HEADER = 'event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities'

/** One ACLED row; `notes` is written into the line as given, so a test can put raw quotes in it. */
const row = (id: string, notes = 'Synthetic row.', location = 'Sample Town') =>
  `${id},2024-03-02,1,Battles,Armed clash,Sample Force,Sample Band,Sampleland,North Province,${location},40.1,45.5,1,Sample Herald,${notes},2`

function file(lines: string[]): string {
  const path = join(tempDir(), 'messy.csv')
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n')
  return path
}

describe('CSV as people and spreadsheets write it', () => {
  it('quotes inside unquoted fields are read as characters; every row is imported', async () => {
    const app = await buildTestApp()
    const path = file([row('MSY1', 'Hit by a 5" shell'), row('MSY2', 'during the "anti-terror" operation'), row('MSY3')])
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ rows: 3, imported: 3, rejectedRows: 0 })
    expect((await getJson(app, '/v1/events/acled-msy1')).body.data.summary).toBe('Hit by a 5" shell')
    expect((await getJson(app, '/v1/events/acled-msy2')).body.data.summary).toBe('during the "anti-terror" operation')
  })

  it('a quote that never closes loses only its own line: it is rejected with its line and reason, the rows after it are imported', async () => {
    const app = await buildTestApp()
    // Forty rows before the bad one share its read chunk: the parser's error must not lose them.
    const before = Array.from({ length: 40 }, (_, i) => row(`MSYA${i}`))
    const path = file([...before, row('MSY2', '"an unclosed quote'), row('MSY3'), row('MSY4'), '', row('MSY5')])
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ imported: 43, rejectedRows: 1 })
    expect(report.rejected).toEqual([{ row: 42, externalId: null, reason: expect.stringMatching(/quote/) }])
    for (const id of ['msya0', 'msya39', 'msy3', 'msy4', 'msy5']) expect((await getJson(app, `/v1/events/acled-${id}`)).status).toBe(200)
  })

  it('a quote that swallows the following lines until another quote, so that the fields no longer add up: the line it opens on is rejected, the others are read again', async () => {
    const app = await buildTestApp()
    const path = file([row('MSY1', '"opens here'), row('MSY2'), row('MSY3').replace('Sample Force', 'Sample" Force'), row('MSY4')])
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report.rejected[0]).toEqual({ row: 2, externalId: null, reason: expect.stringMatching(/quote opened on line 2 is not closed/) })
    expect(report).toMatchObject({ imported: 3, rejectedRows: 1 })
    expect((await getJson(app, '/v1/events/acled-msy3')).body.data.actors.map((a: { name: string }) => a.name)).toContain('Sample" Force')
  })

  it('a row longer than the limit is rejected without being held whole, and reading goes on after it', async () => {
    const app = await buildTestApp()
    const filler = Array.from({ length: Math.ceil(MAX_ROW_BYTES / 1000) + 10 }, () => 'x'.repeat(999)).join('\n')
    const path = file([row('MSY1'), row('MSY2', `"${filler}`), row('MSY3')])
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report.rejected[0]).toMatchObject({ row: 3, reason: expect.stringMatching(/longer than/) })
    expect((await getJson(app, '/v1/events/acled-msy1')).status).toBe(200)
    expect((await getJson(app, '/v1/events/acled-msy3')).status).toBe(200)
  })

  it('a binary file or a wrong header is one error naming the file and the cause', async () => {
    const app = await buildTestApp()
    const binary = join(tempDir(), 'photo.csv')
    writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))
    const wrong = join(tempDir(), 'other.csv')
    writeFileSync(wrong, 'name,age\nAnna,3\n')
    for (const [path, cause] of [[binary, /binary|not readable as CSV|not the expected CSV header/], [wrong, /missing columns event_id_cnty/]] as const) {
      const err = await importFile(app.storage.sqlite, { format: 'acled', path }).catch((e) => e)
      expect(err).toBeInstanceOf(ImportFileError)
      expect(err.message.startsWith(`${path}: `)).toBe(true)
      expect(err.message).toMatch(cause)
      expect(err.message).not.toContain('\n')
    }
  })

  it('junk under a valid header: rejections go to a file, the report keeps a few, and the import stops after N in a row', async () => {
    const app = await buildTestApp()
    const junk = Array.from({ length: 3000 }, (_, i) => `junk ${i},"x",${i}`)
    const path = file([row('MSY1'), ...junk, row('MSY2')])
    const rejectsPath = join(tempDir(), 'rejects.ndjson')
    const all = await importFile(app.storage.sqlite, { format: 'acled', path, rejectsPath, maxConsecutiveRejects: 0, batch: 100 })
    expect(all).toMatchObject({ imported: 2, rejectedRows: 3000, rejectsFile: rejectsPath })
    expect(all.rejected).toHaveLength(REJECTIONS_SHOWN)
    const logged = readFileSync(rejectsPath, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(logged).toHaveLength(3000)
    expect(logged[2999]).toMatchObject({ row: 3002, reason: expect.any(String) })

    const stopped = await importFile(app.storage.sqlite, { format: 'acled', path, rejectsPath, maxConsecutiveRejects: 500, batch: 100 }).catch((e) => e)
    expect(stopped).toBeInstanceOf(ImportFileError)
    // Counted as batches commit, so the run may pass N by up to one batch.
    expect(stopped.message).toMatch(/stopped at line \d+ after (5\d\d) rejected rows in a row from line 3/)
    // The row before the junk was committed; the one after it was never read.
    expect(stopped.report).toMatchObject({ unchanged: 1 })
    expect(stopped.report.rejectedRows).toBeGreaterThanOrEqual(500)
    expect(stopped.report.rejectedRows).toBeLessThan(600)
  })
})

describe('cells ACLED always fills', () => {
  it('an empty fatalities or sub_event_type rejects the row naming the column, and never deletes a stored figure', async () => {
    const app = await buildTestApp()
    const first = await importFile(app.storage.sqlite, { format: 'acled', path: file([row('MSF1')]) })
    expect(first).toMatchObject({ imported: 1, rejectedRows: 0 })
    const killed = () => getJson(app, '/v1/casualty-reports?event=acled-msf1')
    expect((await killed()).body.data).toEqual([expect.objectContaining({ low: 2, outcome: 'killed' })])
    const emptied = [row('MSF1').replace(/,2$/, ','), row('MSF1').replace('Armed clash', '')]
    for (const [i, line] of emptied.entries()) {
      const again = await importFile(app.storage.sqlite, { format: 'acled', path: file([line]) })
      expect(again, line).toMatchObject({ imported: 0, updated: 0, rejectedRows: 1 })
      expect(again.rejected[0]!.reason).toMatch(i === 0 ? /fatalities is empty/ : /sub_event_type is empty/)
      expect((await killed()).body.data, line).toEqual([expect.objectContaining({ low: 2 })])
    }
    // 0 is a count: ACLED's way of saying none were counted.
    expect(await importFile(app.storage.sqlite, { format: 'acled', path: file([row('MSF2').replace(/,2$/, ',0')]) })).toMatchObject({ imported: 1, rejectedRows: 0 })
  })
})

describe('ids', () => {
  it('names in other scripts are transliterated, not stripped; event ids are the lower-cased dataset id', async () => {
    const app = await buildTestApp()
    const path = file([row('AZE9001', 'Synthetic row.', 'Xankəndi').replace('Sampleland', 'Azerbaijan'), row('AZE9002', 'Synthetic row.', 'Степанакерт')])
    await importFile(app.storage.sqlite, { format: 'acled', path })
    const event = (await getJson(app, '/v1/events/acled-aze9001')).body.data
    expect(event.place).toMatchObject({ id: 'xankandi-az', name: 'Xankəndi' })
    expect((await getJson(app, '/v1/events/acled-aze9002')).body.data.place.id).toBe('stepanakert')
  })

  it('the write engine makes ids from names the same way', async () => {
    const app = await buildTestApp()
    const { createKey } = await import('../../src/modules/keys/queries.ts')
    const { key } = createKey(app.storage.sqlite, 'desk', 'editor')
    const res = await app.inject({ method: 'POST', url: '/v1/actors', headers: { authorization: `Bearer ${key}` }, payload: { name: 'Əli Kərimli', kind: 'person' } })
    expect(res.statusCode).toBe(201)
    expect(res.json().data.id).toBe('ali-karimli')
  })
})

describe('npm run import exit codes', () => {
  const cli = async (args: string[], db: string) => {
    try {
      const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src/cli/import.ts', ...args], { env: { ...process.env, DATABASE_PATH: db } })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number, stdout: string, stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }
  const migrated = () => {
    const path = join(tempDir(), 'cli.db')
    const storage = openDatabase(path)
    migrateDatabase(storage.db)
    storage.close()
    return path
  }

  it('0 all imported, 1 some rows rejected, 2 nothing readable, 3 no usable database', async () => {
    const dir = tempDir()
    const db = migrated()
    const clean = file([row('EXC1'), row('EXC2')])
    const all = await cli(['--format', 'acled', clean], db)
    expect(all.code, all.stderr).toBe(0)
    expect(JSON.parse(all.stdout)).toMatchObject({ imported: 2, rejectedRows: 0, rejectsFile: null })
    expect(existsSync(`${clean}.rejects.ndjson`)).toBe(false)

    const some = await cli(['--format', 'acled', sample('acled-bad.csv'), '--rejects', join(dir, 'r.ndjson')], db)
    expect(some.code).toBe(1)
    expect(JSON.parse(some.stdout).rejectedRows).toBeGreaterThan(0)

    const binary = join(dir, 'photo.csv')
    writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))
    const none = await cli(['--format', 'acled', binary], db)
    expect(none.code).toBe(2)
    expect(none.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(binary)])
    expect(none.stdout).toBe('')

    const folder = join(dir, 'not-a-db')
    mkdirSync(folder)
    const nodb = await cli(['--format', 'acled', clean], folder)
    expect(nodb.code).toBe(3)
    expect(nodb.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/not-a-db: it is a directory/)])
  }, 60_000)
})
