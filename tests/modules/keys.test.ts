import { afterEach, describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase, type Storage } from '../../src/db/client.ts'
import { createKey, getKey, listKeys, revokeKey, verifyKey } from '../../src/modules/keys/queries.ts'

const opened: Storage[] = []
afterEach(() => { for (const s of opened.splice(0)) s.close() })

function fresh(): Storage {
  const storage = openDatabase(':memory:')
  migrateDatabase(storage.db)
  opened.push(storage)
  return storage
}

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe('API keys', () => {
  it('creates a key shown once, stored as a salted hash, read back without salt or hash', () => {
    const { sqlite } = fresh()
    const { key, record } = createKey(sqlite, 'desk', 'editor')
    expect(key).toMatch(/^ctk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
    expect(Object.keys(record)).toEqual(['id', 'name', 'role', 'createdAt', 'revokedAt'])
    expect(record).toMatchObject({ id: key.slice(4, 16), name: 'desk', role: 'editor', revokedAt: null })
    expect(record.createdAt).toMatch(STAMP)
    const stored = sqlite.prepare('SELECT salt, hash FROM api_keys WHERE id = ?').get(record.id) as { salt: string, hash: string }
    expect(stored.salt).toMatch(/^[0-9a-f]{32}$/)
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(key).not.toContain(stored.hash)
    expect(getKey(sqlite, record.id)).toEqual(record)
    expect(getKey(sqlite, 'ffffffffffff')).toBeUndefined()
  })

  it('verifies a genuine token and refuses a wrong secret, a malformed token and an unknown id', () => {
    const { sqlite } = fresh()
    const { key, record } = createKey(sqlite, 'chief', 'admin')
    expect(verifyKey(sqlite, key)).toEqual(record)
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')
    expect(verifyKey(sqlite, wrong)).toBeUndefined()
    expect(verifyKey(sqlite, key + 'x')).toBeUndefined()
    expect(verifyKey(sqlite, `ctk_ffffffffffff_${key.slice(17)}`)).toBeUndefined()
  })

  it('revokes a key once: a revoked key no longer verifies and lists with its revocation time', () => {
    const { sqlite } = fresh()
    const a = createKey(sqlite, 'a', 'editor')
    const b = createKey(sqlite, 'b', 'admin')
    expect(revokeKey(sqlite, a.record.id)).toBe(true)
    expect(revokeKey(sqlite, a.record.id)).toBe(false)
    expect(revokeKey(sqlite, 'ffffffffffff')).toBe(false)
    expect(verifyKey(sqlite, a.key)).toBeUndefined()
    expect(verifyKey(sqlite, b.key)?.name).toBe('b')
    const listed = listKeys(sqlite)
    expect(listed.map((k) => k.name).sort()).toEqual(['a', 'b'])
    expect(listed.find((k) => k.name === 'a')!.revokedAt).toMatch(STAMP)
    expect(listed.find((k) => k.name === 'b')!.revokedAt).toBeNull()
  })

  it('lists keys oldest first, then by id', () => {
    const { sqlite } = fresh()
    const ids = ['a', 'b', 'c'].map((n) => createKey(sqlite, n, 'editor').record.id)
    sqlite.prepare(`UPDATE api_keys SET created_at = '2024-01-01T00:00:00.000Z'`).run()
    sqlite.prepare(`UPDATE api_keys SET created_at = '2023-01-01T00:00:00.000Z' WHERE id = ?`).run(ids[2])
    expect(listKeys(sqlite).map((k) => k.id)).toEqual([ids[2], ...[ids[0], ids[1]].sort()])
  })

  it('never lets a key with a role it does not know act, and says so when listing it', () => {
    const { sqlite } = fresh()
    const { key, record } = createKey(sqlite, 'odd', 'editor')
    sqlite.prepare(`UPDATE api_keys SET role = 'owner' WHERE id = ?`).run(record.id)
    expect(verifyKey(sqlite, key)).toBeUndefined()
    expect(() => listKeys(sqlite)).toThrow(/unknown role "owner"/)
  })

  it('keeps the statements of each connection apart', () => {
    const one = fresh(), two = fresh()
    const { key } = createKey(one.sqlite, 'only here', 'editor')
    expect(verifyKey(one.sqlite, key)?.name).toBe('only here')
    expect(verifyKey(two.sqlite, key)).toBeUndefined()
    expect(listKeys(two.sqlite)).toEqual([])
  })
})
