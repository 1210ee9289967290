import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import { prepared } from '../../db/prepared.ts'

export const ROLES = ['editor', 'admin'] as const
export type Role = (typeof ROLES)[number]
const RANK: Record<Role, number> = { editor: 1, admin: 2 }

export interface ApiKey { id: string, name: string, role: Role, createdAt: string, revokedAt: string | null }

// Keys are random 32-byte secrets, so a salted SHA-256 is enough to make a stolen table useless
// without making every request pay for a slow password hash.
const digest = (salt: string, secret: string) => createHash('sha256').update(salt).update(secret).digest('hex')

/** Creates a key and returns it in full: this is the only time the secret exists outside a hash. */
export function createKey(sqlite: Database.Database, name: string, role: Role): { key: string, record: ApiKey } {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  const salt = randomBytes(16).toString('hex')
  sqlite.prepare('INSERT INTO api_keys (id, name, role, salt, hash) VALUES (?, ?, ?, ?, ?)').run(id, name, role, salt, digest(salt, secret))
  return { key: `ctk_${id}_${secret}`, record: getKey(sqlite, id)! }
}

export function getKey(sqlite: Database.Database, id: string): ApiKey | undefined {
  return sqlite.prepare('SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys WHERE id = ?').get(id) as ApiKey | undefined
}

export function listKeys(sqlite: Database.Database): ApiKey[] {
  return sqlite.prepare('SELECT id, name, role, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys ORDER BY created_at, id').all() as ApiKey[]
}

export function revokeKey(sqlite: Database.Database, id: string): boolean {
  return sqlite.prepare(`UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND revoked_at IS NULL`).run(id).changes === 1
}

/** The key a bearer token names, if the token is genuine and the key not revoked. */
export function verifyKey(sqlite: Database.Database, token: string): ApiKey | undefined {
  const m = /^ctk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return undefined
  const row = prepared(sqlite, 'SELECT id, name, role, salt, hash, created_at AS createdAt, revoked_at AS revokedAt FROM api_keys WHERE id = ?')
    .get(m[1]) as (ApiKey & { salt: string, hash: string }) | undefined
  if (!row || row.revokedAt) return undefined
  const expected = Buffer.from(row.hash, 'hex')
  const actual = Buffer.from(digest(row.salt, m[2]!), 'hex')
  if (!timingSafeEqual(expected, actual)) return undefined
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, revokedAt: null }
}

export const allows = (have: Role, need: Role) => RANK[have] >= RANK[need]
