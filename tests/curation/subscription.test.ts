import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { App } from '../../src/app.ts'
import { openDatabase } from '../../src/db/client.ts'
import { readVersion } from '../../src/db/dataset.ts'
import { WriteEngine } from '../../src/modules/curation/engine.ts'
import { RESOURCES } from '../../src/modules/curation/resources.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, tempDir } from '../helper.ts'

/** A subscriber to timelineChanged on a listening app, and a wait for its next messages. */
async function subscriber(app: App) {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws')
  const messages: any[] = []
  ws.on('message', (data) => messages.push(JSON.parse(String(data))))
  const changes = (n: number) => new Promise<any[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ${n} changes; got ${JSON.stringify(messages)}`)), 5000)
    const check = () => {
      const got = messages.filter((x) => x.type === 'next').map((x) => x.payload.data.timelineChanged)
      if (got.length >= n) { clearTimeout(timer); resolve(got) } else setTimeout(check, 10)
    }
    check()
  })
  await new Promise((resolve) => ws.once('open', resolve))
  ws.send(JSON.stringify({ type: 'connection_init' }))
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { timelineChanged { recordType recordId operation datasetVersion } }' } }))
  await new Promise((r) => setTimeout(r, 150))
  return { ws, changes }
}

describe('GraphQL subscription', () => {
  it('tells a subscriber about a committed write, with the new dataset version', async () => {
    const app = await buildTestApp()
    const key = createKey(app.storage.sqlite, 'editor', 'editor').key
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws')
    const messages: any[] = []
    const next = (type: string) => new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} message; got ${JSON.stringify(messages)}`)), 5000)
      const check = () => {
        const m = messages.find((x) => x.type === type)
        if (m) { clearTimeout(timer); resolve(m) } else setTimeout(check, 10)
      }
      check()
    })
    ws.on('message', (data) => messages.push(JSON.parse(String(data))))
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ type: 'connection_init' }))
    await next('connection_ack')
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { timelineChanged { recordType recordId operation datasetVersion } }' } }))
    await new Promise((r) => setTimeout(r, 100))
    const res = await app.inject({ method: 'POST', url: '/v1/actors', headers: { authorization: `Bearer ${key}` }, payload: { name: 'New Observer', kind: 'international_organisation' } })
    expect(res.statusCode).toBe(201)
    const event = await next('next')
    expect(event.payload.data.timelineChanged).toEqual({ recordType: 'ACTOR', recordId: 'new-observer', operation: 'CREATE', datasetVersion: res.json().meta.datasetVersion })
    ws.close()
  })

  it('tells a subscriber about writes committed by another process (an import), in the order they committed', async () => {
    const databasePath = join(tempDir(), 'subscribed.db')
    const app = await buildTestApp({ databasePath })
    const { ws, changes } = await subscriber(app)
    // Another connection to the file, as the import command has: its writes publish nothing themselves.
    const other = openDatabase(databasePath)
    try {
      const engine = new WriteEngine(other.sqlite)
      const actors = RESOURCES.find((r) => r.table === 'actors')!
      const who = { keyId: null, keyName: 'import' }
      engine.create(actors, { name: 'Imported Observer', kind: 'international_organisation' }, who)
      engine.update(actors, 'imported-observer', { name: 'Imported Observer Mission' }, `"v${readVersion(other.sqlite).version}-json"`, who)
      const version = readVersion(other.sqlite).version
      expect(await changes(2)).toEqual([
        { recordType: 'ACTOR', recordId: 'imported-observer', operation: 'CREATE', datasetVersion: version - 1 },
        { recordType: 'ACTOR', recordId: 'imported-observer', operation: 'UPDATE', datasetVersion: version },
      ])
    } finally {
      other.close()
      ws.close()
    }
  })
})
