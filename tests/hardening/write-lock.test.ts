import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, gql, tempDir } from '../helper.ts'

/** The app on a database file, plus a second connection that plays another process's writer. */
async function setup(writeLockWaitMs: number) {
  const path = join(tempDir(), 'lock.db')
  const app = await buildTestApp({ databasePath: path, writeLockWaitMs })
  const key = createKey(app.storage.sqlite, 'desk', 'editor').key
  const other = new Database(path)
  return { app, other, auth: { authorization: `Bearer ${key}` } }
}

const place = (id: string) => ({ id, name: `Place ${id}`, kind: 'city', countryCode: 'AM', citations: [] })

/** The longest the event loop went without running a timer while `work` was pending. */
async function longestStall<T>(work: Promise<T>): Promise<{ result: T, stallMs: number }> {
  let last = performance.now()
  let stallMs = 0
  const timer = setInterval(() => { const now = performance.now(); stallMs = Math.max(stallMs, now - last); last = now }, 5)
  try {
    return { result: await work, stallMs }
  } finally {
    clearInterval(timer)
  }
}

describe('a write waiting for another process\'s lock', () => {
  it('waits without blocking reads, then commits once the lock is released', async () => {
    const { app, other, auth } = await setup(5000)
    other.prepare('BEGIN IMMEDIATE').run()
    const write = app.inject({ method: 'POST', url: '/v1/places', headers: auth, payload: place('lock-wait') })
    const reads: number[] = []
    const readsDone = (async () => {
      const release = performance.now() + 1000
      for (let i = 0; performance.now() < release; i++) {
        const t = performance.now()
        const res = await app.inject({ method: 'GET', url: `/v1/events?limit=${1 + (i % 50)}` })
        expect(res.statusCode).toBe(200)
        reads.push(performance.now() - t)
        await new Promise((r) => setTimeout(r, 10))
      }
      other.prepare('COMMIT').run()
    })()
    const { result, stallMs } = await longestStall(Promise.all([write, readsDone]))
    expect(result[0].statusCode).toBe(201)
    // The lock was held for a second; a synchronous busy wait would have held the loop as long
    // (and every read with it). The bounds leave room for a loaded machine.
    expect(reads.length).toBeGreaterThan(10)
    expect(Math.max(...reads)).toBeLessThan(500)
    expect(stallMs).toBeLessThan(500)
    expect((await app.inject({ method: 'GET', url: '/v1/places/lock-wait' })).statusCode).toBe(200)
    other.close()
  })

  it('gives up after the configured wait with 503 DATABASE_BUSY and Retry-After, writing nothing', async () => {
    const { app, other, auth } = await setup(200)
    other.prepare('BEGIN IMMEDIATE').run()
    const started = performance.now()
    const { result: res, stallMs } = await longestStall(app.inject({ method: 'POST', url: '/v1/places', headers: auth, payload: place('lock-timeout') }))
    expect(performance.now() - started).toBeGreaterThanOrEqual(150)
    expect(stallMs).toBeLessThan(100)
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toMatch(/problem\+json/)
    expect(res.headers['retry-after']).toBe('5')
    expect(res.json()).toMatchObject({ code: 'DATABASE_BUSY' })
    other.prepare('COMMIT').run()
    expect((await app.inject({ method: 'GET', url: '/v1/places/lock-timeout' })).statusCode).toBe(404)
    other.close()
  })

  it('answers a GraphQL mutation the same way', async () => {
    const { app, other, auth } = await setup(100)
    other.prepare('BEGIN IMMEDIATE').run()
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: auth, payload: {
      query: 'mutation ($p: PlaceInput!) { createPlace(input: $p) { id } }', variables: { p: { ...place('gql-lock'), kind: 'CITY' } },
    } })
    expect(res.json().errors[0].extensions.code).toBe('DATABASE_BUSY')
    expect(res.headers['retry-after']).toBe('5')
    other.prepare('COMMIT').run()
    const after = await gql(app, '{ place(id: "gql-lock") { id } }')
    expect(after.body.data).toEqual({ place: null })
    other.close()
  })
})
