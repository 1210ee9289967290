import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, tempDir } from '../helper.ts'

async function setup() {
  const dir = tempDir()
  const releasesPath = join(dir, 'releases')
  const app = await buildTestApp({ databasePath: join(dir, 'timeline.db'), releasesPath, publicUrl: 'https://data.example.org' })
  const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin key', 'admin').key}` }
  const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor key', 'editor').key}` }
  return { app, admin, editor, releasesPath }
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

describe('making a release', () => {
  it('freezes the dataset version into files whose manifest gives each size and sha256', async () => {
    const { app, admin, releasesPath } = await setup()
    const version = (await app.inject('/v1/dataset')).json().data.version as number
    const made = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })
    expect(made.statusCode).toBe(201)
    const release = made.json().data
    expect(release).toMatchObject({ tag: '2026.1', datasetVersion: version, url: 'https://data.example.org/v1/releases/2026.1' })
    const names = release.files.map((f: { name: string }) => f.name)
    expect(names).toEqual(expect.arrayContaining(['timeline.db', 'timeline.json', 'timeline.ndjson', 'csv/events.csv', 'csv/citations.csv',
      'datapackage.json', 'citation.json', 'citation.bib', 'manifest.json']))
    for (const f of release.files as { name: string, bytes: number, sha256: string, url: string }[]) {
      const bytes = readFileSync(join(releasesPath, '2026.1', f.name))
      expect({ name: f.name, bytes: bytes.length, sha256: sha(bytes) }).toEqual({ name: f.name, bytes: f.bytes, sha256: f.sha256 })
      expect(f.url).toBe(`https://data.example.org/v1/releases/2026.1/files/${f.name}`)
    }
    // The SQLite file holds the same version, no API keys, and opens read-only.
    const db = new Database(join(releasesPath, '2026.1', 'timeline.db'), { readonly: true, fileMustExist: true })
    expect(db.prepare('SELECT version FROM dataset_meta').pluck().get()).toBe(version)
    expect(db.prepare('SELECT count(*) FROM api_keys').pluck().get()).toBe(0)
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(() => db.exec('DELETE FROM events')).toThrow(/readonly/)
    db.close()
    // The JSON export of the release is exactly what the live export gives for that version.
    const live = await app.inject('/v1/export?format=json')
    expect(sha(live.rawPayload)).toBe(release.files.find((f: { name: string }) => f.name === 'timeline.json').sha256)
  })

  it('gives citations in CSL-JSON and BibTeX made by citation-js', async () => {
    const { app, admin } = await setup()
    const release = (await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '26.1' } })).json().data
    expect(release.citation.csl[0]).toMatchObject({ type: 'dataset', version: '26.1', URL: 'https://data.example.org/v1/releases/26.1' })
    expect(release.citation.bibtex).toMatch(/^@misc\{[^,]+,\n/)
    expect(release.citation.bibtex).toContain('url = {https://data.example.org/v1/releases/26.1}')
    expect(release.citation.bibtex).toContain(`note = {Release 26.1, dataset version ${release.datasetVersion}}`)
  })

  it('describes every CSV in datapackage.json with fields in header order, keys and foreign keys', async () => {
    const { app, admin, releasesPath } = await setup()
    await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })
    const pkg = JSON.parse(readFileSync(join(releasesPath, '2026.1', 'datapackage.json'), 'utf8'))
    expect(pkg.profile).toBe('tabular-data-package')
    expect(pkg.resources).toHaveLength(11)
    for (const r of pkg.resources) {
      const header = readFileSync(join(releasesPath, '2026.1', r.path), 'utf8').replace(/^\ufeff/, '').split('\r\n')[0]!.split(',')
      expect(r.schema.fields.map((f: { name: string }) => f.name)).toEqual(header)
      for (const fk of r.schema.foreignKeys ?? []) {
        const target = fk.reference.resource === '' ? r : pkg.resources.find((x: { name: string }) => x.name === fk.reference.resource)
        expect(target.schema.fields.map((f: { name: string }) => f.name)).toContain(fk.reference.fields[0])
      }
    }
    const events = pkg.resources.find((r: { name: string }) => r.name === 'events')
    expect(events.schema.primaryKey).toEqual(['id'])
    expect(events.schema.foreignKeys).toEqual([{ fields: ['place_id'], reference: { resource: 'places', fields: ['id'] } }])
    const casualties = pkg.resources.find((r: { name: string }) => r.name === 'casualty_reports')
    expect(casualties.schema.fields.find((f: { name: string }) => f.name === 'low').type).toBe('integer')
    expect(pkg.resources.find((r: { name: string }) => r.name === 'event_actors').schema.primaryKey).toEqual(['event_id', 'actor_id', 'role'])
    expect(pkg.resources.find((r: { name: string }) => r.name === 'external_ids').schema.primaryKey).toEqual(['system', 'external_id', 'record_type'])
  })

  it('refuses a taken tag, an unchanged dataset version, a bad tag and a non-admin key', async () => {
    const { app, admin, editor } = await setup()
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })).statusCode).toBe(201)
    const again = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.2' } })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'RELEASE_EXISTS', detail: expect.stringContaining('released already as 2026.1') })
    // A write moves the version, so a new tag is accepted; the old tag never is.
    const etag = (await app.inject('/v1/sources')).headers.etag as string
    const src = (await app.inject('/v1/sources')).json().data[0]
    expect((await app.inject({ method: 'PATCH', url: `/v1/sources/${src.id}`, headers: { ...admin, 'if-match': etag }, payload: { note: 'checked again' } })).statusCode).toBe(200)
    const taken = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })
    expect(taken.json()).toMatchObject({ code: 'RELEASE_EXISTS', detail: expect.stringContaining('release 2026.1 exists already') })
    // The same year and number spelt another way is the same release.
    const short = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '26.1' } })
    expect(short.json()).toMatchObject({ code: 'RELEASE_EXISTS', detail: expect.stringContaining('release 26.1 exists already as 2026.1') })
    const padded = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.01' } })
    expect(padded.statusCode).toBe(400)
    expect(padded.json().errors[0]).toMatchObject({ parameter: 'tag', message: expect.stringContaining('no leading zero') })
    for (const tag of ['v1', '2026', '2026.1.1', '../x', '2026.1/..', '']) {
      const bad = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag } })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().errors[0].parameter).toBe('tag')
    }
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: editor, payload: { tag: '2026.3' } })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/v1/releases', payload: { tag: '2026.3' } })).statusCode).toBe(401)
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.3' } })).statusCode).toBe(201)
    expect((await app.inject('/v1/releases')).json().data.map((r: { tag: string }) => r.tag)).toEqual(['2026.1', '2026.3'])
  })

  it('reads and writes the exports on a thread of their own: the event loop runs no export statement', async () => {
    const { app, admin } = await setup()
    // Every statement run on this thread against the file being released, whatever the method.
    const ran: string[] = []
    const probe = new Database(':memory:')
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>
    probe.close()
    const methods = ['all', 'get', 'iterate', 'run'] as const
    const originals = methods.map((m) => proto[m]!)
    methods.forEach((m, i) => {
      proto[m] = function (this: { database: { name: string }, source: string }, ...args: unknown[]) {
        if (this.database.name.includes('.building-')) ran.push(this.source)
        return originals[i]!.apply(this, args)
      }
    })
    try {
      const made = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.5' } })
      expect(made.statusCode).toBe(201)
      expect(made.json().data.counts.events).toBe((await app.inject('/v1/dataset')).json().data.counts.events)
    } finally {
      methods.forEach((m, i) => { proto[m] = originals[i]! })
    }
    // The loop reads the version and the tables' columns for datapackage.json, and no rows.
    expect(ran.length).toBeGreaterThan(0)
    expect(ran.filter((sql) => !/pragma_table_info|pragma_foreign_key_list|dataset_meta/.test(sql))).toEqual([])
  })
})
