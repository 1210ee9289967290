import type Database from 'better-sqlite3'
import { expect } from 'vitest'
import { createKey } from '../../../src/modules/keys/queries.ts'
import { composeEventDetailJson } from '../../../src/modules/events/document.ts'
import type { App } from '../../../src/app.ts'

export interface Audit { stored: number, events: number, queued: number }

/**
 * Every stored document against the one composed now from the records, byte for byte; and how
 * many are stored, so that a check over an empty table cannot pass unnoticed.
 */
export function audit(sqlite: Database.Database): Audit {
  const rows = sqlite.prepare('SELECT event_id AS id, body FROM event_documents ORDER BY event_id').all() as { id: string, body: string }[]
  const wrong = rows.filter((r) => r.body !== composeEventDetailJson(sqlite, r.id)).map((r) => r.id)
  expect(wrong, 'stored documents that differ from the composed ones').toEqual([])
  const events = sqlite.prepare('SELECT count(*) FROM events').pluck().get() as number
  const queued = sqlite.prepare('SELECT count(*) FROM event_documents_stale').pluck().get() as number
  return { stored: rows.length, events, queued }
}

/** After a write through the engine: nothing wrong, and every document stored again. */
export function expectFull(sqlite: Database.Database): Audit {
  const a = audit(sqlite)
  expect(a.stored).toBeGreaterThan(0)
  expect(a).toEqual({ stored: a.events, events: a.events, queued: 0 })
  return a
}

export function writers(app: App) {
  const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
  const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
  const etag = async (url: string) => (await app.inject({ method: 'GET', url })).headers.etag as string
  const send = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const headers = method === 'POST' ? editor : { ...(method === 'DELETE' ? admin : editor), 'if-match': await etag(url) }
    const res = await app.inject({ method, url, headers, payload: payload as object })
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
    return res
  }
  return {
    post: (url: string, payload: unknown) => send('POST', url, payload),
    patch: (url: string, payload: unknown) => send('PATCH', url, payload),
    remove: (url: string) => send('DELETE', url),
    editor,
  }
}

/** Resolves once `check` holds, polling; fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
