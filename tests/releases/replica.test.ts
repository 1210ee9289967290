import { chmodSync, closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { Replica } from '../../src/modules/releases/replica.ts'
import { buildTestApp, tempDir } from '../helper.ts'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c() })

async function cluster() {
  const dir = tempDir()
  const primary = await buildTestApp({ databasePath: join(dir, 'primary.db'), releasesPath: join(dir, 'releases') })
  await primary.listen({ port: 0, host: '127.0.0.1' })
  const primaryUrl = `http://127.0.0.1:${(primary.server.address() as AddressInfo).port}`
  const admin = { authorization: `Bearer ${createKey(primary.storage.sqlite, 'admin', 'admin').key}` }
  const release = async (tag: string) => expect((await primary.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag } })).statusCode).toBe(201)
  const write = async (note: string) => {
    const etag = (await primary.inject('/v1/dataset')).headers.etag as string
    const id = (await primary.inject('/v1/sources')).json().data[0].id
    expect((await primary.inject({ method: 'PATCH', url: `/v1/sources/${id}`, headers: { ...admin, 'if-match': etag }, payload: { note } })).statusCode).toBe(200)
  }
  await release('2026.1')
  const config = { ...loadConfig({}), logLevel: 'silent' as const, releasesPath: join(dir, 'replica'), primaryUrl, replicaPollMs: 100_000 }
  const replica = new Replica(config, primary.log)
  const server: Server = createServer(replica.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanup.push(() => replica.close(), () => new Promise((r) => server.close(r)))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { primary, primaryUrl, replica, url, release, write, dir }
}

describe('a read-only replica', () => {
  it('is not ready before its first release, then serves the primary\'s newest release and refuses writes naming the primary', async () => {
    const { replica, url, primaryUrl } = await cluster()
    expect((await fetch(`${url}/v1/events`)).status).toBe(503)
    expect((await fetch(`${url}/health`)).status).toBe(200)
    expect(await replica.poll()).toBe('2026.1')
    const events = await fetch(`${url}/v1/events?limit=2`)
    expect(events.status).toBe(200)
    expect(((await events.json()) as { data: unknown[] }).data).toHaveLength(2)
    const refused = await fetch(`${url}/v1/sources`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(refused.status).toBe(405)
    expect(await refused.json()).toMatchObject({ code: 'READ_ONLY', detail: expect.stringContaining(primaryUrl) })
  })

  it('swaps to a new release without failing a request that is still streaming from the old one', async () => {
    const { replica, url, release, write } = await cluster()
    await replica.poll()
    const v1 = (await (await fetch(`${url}/v1/dataset`)).json() as { data: { version: number } }).data.version
    const oldEtag = (await fetch(`${url}/v1/events?limit=1`)).headers.get('etag')!
    // An export that is read slowly stays open across the swap.
    const slow = await fetch(`${url}/v1/export?format=ndjson`)
    const reader = slow.body!.getReader()
    const first = await reader.read()
    expect(first.done).toBe(false)

    await write('a later note')
    await release('2026.2')
    expect(await replica.poll()).toBe('2026.2')
    const v2 = (await (await fetch(`${url}/v1/dataset`)).json() as { data: { version: number } }).data.version
    expect(v2).toBe(v1 + 1)
    const fresh = await fetch(`${url}/v1/events?limit=1`, { headers: { 'if-none-match': oldEtag } })
    expect(fresh.status).toBe(200)
    expect(fresh.headers.get('etag')).not.toBe(oldEtag)

    let text = new TextDecoder().decode(first.value)
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value)
    const lines = text.trim().split('\n')
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'meta', datasetVersion: v1 })
    expect(lines.length).toBeGreaterThan(100)
  })

  it('refuses a download whose sha256 differs from the one its release lists, and keeps serving the old release', async () => {
    const { replica, url, release, write, dir } = await cluster()
    await replica.poll()
    await write('changed')
    await release('2026.2')
    const file = join(dir, 'releases', '2026.2', 'timeline.db')
    chmodSync(file, 0o644)
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.from('tampered'), 0, 8, 200)
    closeSync(fd)
    await expect(replica.poll()).rejects.toThrow(/sha256/)
    expect(replica.tag).toBe('2026.1')
    expect(existsSync(join(dir, 'replica', '2026.2', 'timeline.db'))).toBe(false)
    expect((await fetch(`${url}/v1/events?limit=1`)).status).toBe(200)
  })
})
