import { execFile, spawn } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { ImportFileError, RejectLog } from '../../src/modules/import/report.ts'
import { holdWriteLock, tempDir } from '../helper.ts'
import { checkIntegrity, sample, writeLargeAcled } from './support.ts'

const run = promisify(execFile)

function migratedFile(): string {
  const path = join(tempDir(), 'import.db')
  const storage = openDatabase(path)
  migrateDatabase(storage.db)
  storage.close()
  return path
}

const cli = (args: string[], db: string) => run('npx', ['tsx', 'src/cli/import.ts', ...args], { env: { ...process.env, DATABASE_PATH: db } })

describe('npm run import', () => {
  it('imports a file and prints the report as JSON on stdout', async () => {
    const db = join(tempDir(), 'fresh.db')
    const { stdout } = await cli(['--format', 'ucdp', sample('ucdp.csv'), '--batch', '2'], db)
    expect(JSON.parse(stdout)).toMatchObject({ format: 'ucdp', rows: 6, imported: 6, updated: 0, unchanged: 0, rejected: [] })
    const again = await cli(['--format', 'ucdp', sample('ucdp.csv')], db)
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, unchanged: 6 })
  })

  it('started while another process holds the write lock, waits for it instead of failing at start', async () => {
    const db = migratedFile()
    // Longer than the connection's busy timeout (5 s), shorter than the import's wait for the lock.
    const { exited } = await holdWriteLock(db, 7000)
    const { stdout, stderr } = await cli(['--format', 'ucdp', sample('ucdp.csv')], db)
    await exited
    expect(stderr).not.toMatch(/SqliteError|database is locked/)
    expect(JSON.parse(stdout)).toMatchObject({ format: 'ucdp', rows: 6, imported: 6 })
  }, 60_000)

  it('streams an NDJSON export larger than its heap allows a document; refuses that document with both sizes and exit 2', async () => {
    // A 96 MB heap takes JSON documents of about 15 MB; this export is 25 MB of records.
    const dir = tempDir()
    const data = { id: 'src', publisher: 'P', publishedDate: '2024-01-01', kind: 'news_report', language: 'en', note: 'N'.repeat(1990) }
    const file = join(dir, 'big.ndjson')
    writeFileSync(file, (JSON.stringify({ type: 'source', data }) + '\n').repeat(12_000))
    const small = ['--max-old-space-size=96', '--import', 'tsx', 'src/cli/import.ts', '--format', 'json']
    // Every line is read and planned; all but the first repeat its id, so they are rejected (exit 1).
    const streamed = await run(process.execPath, [...small, file], { env: { ...process.env, DATABASE_PATH: migratedFile() } }).catch((e) => e)
    expect(streamed.code, streamed.stderr).toBe(1)
    expect(JSON.parse(streamed.stdout)).toMatchObject({ rows: 12_000, imported: 1, rejectedRows: 11_999 })

    const doc = join(dir, 'big.json')
    writeFileSync(doc, JSON.stringify({ sources: Array.from({ length: 12_000 }, () => data) }))
    const err = await run(process.execPath, [...small, doc], { env: { ...process.env, DATABASE_PATH: migratedFile() } }).catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toMatch(/too large to import as a JSON document: .* up to \d+ MB, this one is 25 MB; export it as NDJSON/)
  })

  it('refuses a rejects path that is the input, the database or another file, and leaves them whole', async () => {
    const dir = tempDir()
    const input = join(dir, 'acled.csv')
    writeFileSync(input, readFileSync(sample('acled.csv')))
    const db = migratedFile()
    const notes = join(dir, 'notes.txt')
    writeFileSync(notes, 'keep me')
    for (const [rejects, why] of [[input, /is the file being imported/], [db, /is the database/], [notes, /exists already/], [dir, /is a folder/]] as const) {
      const before = readFileSync(rejects === dir ? input : rejects)
      const err = await cli(['--format', 'acled', input, '--rejects', rejects], db).catch((e) => e)
      expect(err.code, rejects).toBe(2)
      expect(err.stderr).toMatch(why)
      expect(readFileSync(rejects === dir ? input : rejects).equals(before), rejects).toBe(true)
    }
    // An earlier run's rejects file is replaced, and removed when this run rejects nothing.
    const earlier = join(dir, 'old.rejects.ndjson')
    writeFileSync(earlier, '{"line":1}\n')
    const { stdout } = await cli(['--format', 'acled', input, '--rejects', earlier], db)
    expect(JSON.parse(stdout)).toMatchObject({ rejectedRows: 0, rejectsFile: null })
    expect(() => readFileSync(earlier)).toThrow()
    expect(new Database(db, { readonly: true }).prepare('PRAGMA integrity_check').pluck().get()).toBe('ok')
  })

  it('refuses a rejects path that is a symbolic link, given or by default, and leaves what it points at whole', async () => {
    const dir = tempDir()
    const precious = join(dir, 'precious.txt')
    writeFileSync(precious, 'precious\n')
    // An export whose one record is rejected, so that the rejects file would be written.
    const input = join(dir, 'bad.ndjson')
    writeFileSync(input, JSON.stringify({ type: 'source', data: { id: 's', publisher: 'x\u0000y', publishedDate: '2024-01-01', kind: 'news_report', language: 'en' } }) + '\n')
    const db = migratedFile()
    const given = join(dir, 'evil.rejects.ndjson')
    symlinkSync('precious.txt', given)
    const dangling = join(dir, 'new.rejects.ndjson')
    symlinkSync('not-yet-there.txt', dangling)
    for (const args of [['--rejects', given], ['--rejects', dangling], []]) {
      if (args.length === 0) symlinkSync('precious.txt', `${input}.rejects.ndjson`)
      const err = await cli(['--format', 'json', input, ...args], db).catch((e) => e)
      expect(err.code, args.join(' ')).toBe(2)
      expect(err.stderr).toMatch(/--rejects .*\.rejects\.ndjson: is a symbolic link/)
    }
    expect(readFileSync(precious, 'utf8')).toBe('precious\n')
    expect(existsSync(join(dir, 'not-yet-there.txt'))).toBe(false)
    expect(lstatSync(given).isSymbolicLink()).toBe(true)
  })

  it('opens the rejects file without following a link put there after the check', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'precious.txt'), 'precious\n')
    symlinkSync('precious.txt', join(dir, 'late.rejects.ndjson'))
    expect(() => new RejectLog(join(dir, 'late.rejects.ndjson'))).toThrow(ImportFileError)
    expect(() => new RejectLog(join(dir, 'late.rejects.ndjson'))).toThrow(/late\.rejects\.ndjson: it is a symbolic link/)
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('precious\n')
    // A plain file is still created, and emptied when it is there already.
    const plain = join(dir, 'plain.rejects.ndjson')
    writeFileSync(plain, 'old\n')
    const log = new RejectLog(plain)
    log.write({ row: 1, externalId: null, reason: 'r' })
    log.close()
    expect(readFileSync(plain, 'utf8')).toBe('{"row":1,"externalId":null,"reason":"r"}\n')
  })

  it('exits 1 with rejected rows listed in the report and in the rejects file', async () => {
    const rejects = join(tempDir(), 'rejects.ndjson')
    const err = await cli(['--format', 'acled', sample('acled-bad.csv'), '--rejects', rejects], migratedFile()).catch((e) => e)
    expect(err.code).toBe(1)
    const report = JSON.parse(err.stdout)
    expect(report).toMatchObject({ rows: 9, imported: 2, rejectedRows: 7, rejectsFile: rejects, rejected: expect.arrayContaining([expect.objectContaining({ externalId: 'SMPB004' })]) })
    const lines = readFileSync(rejects, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines).toEqual(report.rejected)
  })

  it.each([
    [['--format', 'xml', 'x.csv'], /--format "xml" is not one of acled, ucdp, json/],
    [[sample('acled.csv')], /--format is required/],
    [['--format', 'acled'], /FILE is required/],
    [['--format', 'acled', sample('acled.csv'), '--batch', 'ten'], /--batch "ten"/],
    [['--format', 'acled', '/nonexistent/acled.csv'], /\/nonexistent\/acled\.csv: no such file/],
    [['--format', 'acled', sample('ucdp.csv')], /missing columns event_id_cnty/],
  ])('exits 2 with a message naming the problem: %s', async (args, message) => {
    const err = await cli(args, migratedFile()).catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toMatch(message)
  })

  it('killed mid-import, leaves only whole batches behind', async () => {
    const dir = tempDir()
    const csv = join(dir, 'large.csv')
    writeLargeAcled(csv, 20_000)
    const db = migratedFile()
    // Its own process group, so that the kill reaches the importer and not only npx in front of it.
    const child = spawn('npx', ['tsx', 'src/cli/import.ts', '--format', 'acled', csv, '--batch', '500'],
      { env: { ...process.env, DATABASE_PATH: db }, stdio: 'ignore', detached: true })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const reader = new Database(db)
    reader.pragma('busy_timeout = 5000')
    const imported = () => reader.prepare(`SELECT count(*) FROM events WHERE id LIKE 'acled-%'`).pluck().get() as number
    try {
      const deadline = Date.now() + 60_000
      while (imported() === 0) {
        if (Date.now() > deadline) throw new Error('the import wrote nothing within a minute')
        if (child.exitCode !== null) throw new Error(`the import ended (exit ${child.exitCode}) before it could be killed`)
        await sleep(50)
      }
      process.kill(-child.pid!, 'SIGKILL')
      await exited
      // The group is gone only when its last process is: wait for that before looking at the file.
      for (let alive = true; alive; await sleep(20)) {
        try { process.kill(-child.pid!, 0) } catch { alive = false }
      }
    } finally {
      reader.close()
    }

    const storage = openDatabase(db)
    try {
      expect(checkIntegrity(storage.sqlite)).toEqual({ integrity: 'ok', foreignKeys: [] })
      const events = storage.sqlite.prepare(`SELECT count(*) FROM events WHERE id LIKE 'acled-%'`).pluck().get() as number
      const figures = storage.sqlite.prepare(`SELECT count(*) FROM casualty_reports WHERE id LIKE 'acled-%'`).pluck().get() as number
      const mapped = storage.sqlite.prepare(`SELECT count(*) FROM external_ids WHERE system = 'acled' AND record_type = 'event'`).pluck().get() as number
      // Every generated row makes one event and one figure, so whole batches are multiples of 500 of each.
      expect(events).toBeGreaterThan(0)
      expect(events).toBeLessThan(20_000)
      expect(events % 500).toBe(0)
      expect(figures).toBe(events)
      expect(mapped).toBe(events)
    } finally {
      storage.close()
    }
  }, 120_000)
})
