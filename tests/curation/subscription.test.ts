import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp } from '../helper.ts'

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
})
