import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, tempDir } from '../helper.ts'

async function setup(databasePath = ':memory:') {
  const app = await buildTestApp({ databasePath })
  const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
  const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
  return { app, editor, admin }
}

describe('write edge cases', () => {
  it('a record created again under a deleted id drops its tombstone', async () => {
    const { app, editor, admin } = await setup()
    const made = await app.inject({ method: 'POST', url: '/v1/actors', headers: editor, payload: { id: 'test-actor', name: 'Test Actor', kind: 'person' } })
    await app.inject({ method: 'DELETE', url: '/v1/actors/test-actor', headers: { ...admin, 'if-match': made.headers.etag as string } })
    expect((await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordId)).toContain('test-actor')
    const again = await app.inject({ method: 'POST', url: '/v1/actors', headers: editor, payload: { id: 'test-actor', name: 'Test Actor', kind: 'person' } })
    expect(again.statusCode).toBe(201)
    expect((await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordId)).not.toContain('test-actor')
  })

  it('If-Match must name a version this API issued, compared strongly; any tag of a list may match', async () => {
    const { app, editor } = await setup()
    const url = '/v1/actors/kremlin'
    const etag = (await app.inject({ method: 'GET', url })).headers.etag as string
    const patch = (ifMatch: string) => app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': ifMatch }, payload: { description: `x ${ifMatch}` } })
    expect((await patch('"v999999-json"')).statusCode).toBe(412)
    expect((await patch(`W/${etag}`)).statusCode).toBe(412)
    expect((await patch(`"v999999-json", ${etag}`)).statusCode).toBe(200)
  })

  it('refuses an affiliation that would make an actor part of itself', async () => {
    const { app, editor } = await setup()
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/government-of-azerbaijan' })).headers.etag as string
    const res = await app.inject({ method: 'PATCH', url: '/v1/actors/azerbaijan', headers: { ...editor, 'if-match': etag }, payload: { affiliationId: 'government-of-azerbaijan' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0]).toMatchObject({ parameter: 'affiliationId', message: expect.stringContaining('part of itself') })
  })

  it('refuses source URLs that are not http or https', async () => {
    const { app, editor } = await setup()
    const res = await app.inject({ method: 'POST', url: '/v1/sources', headers: editor, payload: { publisher: 'X', url: 'javascript:alert(1)', publishedDate: '2023-09-24', kind: 'news_report', language: 'en' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].parameter).toBe('url')
  })

  it('a write waits for another process holding the write lock instead of failing', async () => {
    const { app, editor } = await setup(join(tempDir(), 'locked.db'))
    const etag = (await app.inject({ method: 'GET', url: '/v1/actors/kremlin' })).headers.etag as string
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(${JSON.stringify(app.config.databasePath)});
      db.exec('BEGIN IMMEDIATE'); db.prepare("UPDATE sources SET note = note WHERE 0").run();
      process.stdout.write('locked\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
      db.exec('COMMIT'); db.close();`], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    const started = Date.now()
    const res = await app.inject({ method: 'PATCH', url: '/v1/actors/kremlin', headers: { ...editor, 'if-match': etag }, payload: { description: 'written after the lock' } })
    expect(res.statusCode).toBe(200)
    expect(Date.now() - started).toBeGreaterThan(200)
    await new Promise((r) => holder.once('exit', r))
  }, 20_000)
})
