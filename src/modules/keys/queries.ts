import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type Database from 'better-sqlite3'
import { and, asc, eq, getTableColumns, isNull, sql } from 'drizzle-orm'
import { apiKeys } from '../../db/schema.ts'
import { NOW_SQL, statements } from '../../db/typed.ts'

export const ROLES = ['editor', 'admin'] as const
export type Role = (typeof ROLES)[number]
const RANK: Record<Role, number> = { editor: 1, admin: 2 }

type KeyRow = typeof apiKeys.$inferSelect
/** A key as shown to people: everything but the salt and hash of its secret. */
export type ApiKey = Omit<KeyRow, 'salt' | 'hash' | 'role'> & { role: Role }

const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role)

const { salt: _salt, hash: _hash, ...shown } = getTableColumns(apiKeys)
const id = sql.placeholder('id')

// Keys are looked up once per write request and listed or changed from the command line: a few
// tenths of a microsecond spent by drizzle mapping a row is nothing beside the hash of the secret.
const q = statements((db) => ({
  insert: db.insert(apiKeys).values({
    id, name: sql.placeholder('name'), role: sql.placeholder('role'), salt: sql.placeholder('salt'), hash: sql.placeholder('hash'),
  }).prepare(),
  byId: db.select(shown).from(apiKeys).where(eq(apiKeys.id, id)).prepare(),
  all: db.select(shown).from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id)).prepare(),
  revoke: db.update(apiKeys).set({ revokedAt: NOW_SQL }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).prepare(),
  secret: db.select().from(apiKeys).where(eq(apiKeys.id, id)).prepare(),
}))

/** A stored role this code does not know is a damaged table, not a key to show as something else. */
function shownKey(row: Omit<KeyRow, 'salt' | 'hash'>): ApiKey {
  if (!isRole(row.role)) throw new Error(`API key ${row.id} has the unknown role "${row.role}"`)
  return { ...row, role: row.role }
}

// Keys are random 32-byte secrets, so a salted SHA-256 is enough to make a stolen table useless
// without making every request pay for a slow password hash.
const digest = (salt: string, secret: string) => createHash('sha256').update(salt).update(secret).digest('hex')

/** Creates a key and returns it in full: this is the only time the secret exists outside a hash. */
export function createKey(sqlite: Database.Database, name: string, role: Role): { key: string, record: ApiKey } {
  const keyId = randomBytes(6).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  const salt = randomBytes(16).toString('hex')
  q(sqlite).insert.run({ id: keyId, name, role, salt, hash: digest(salt, secret) })
  return { key: `ctk_${keyId}_${secret}`, record: getKey(sqlite, keyId)! }
}

export function getKey(sqlite: Database.Database, keyId: string): ApiKey | undefined {
  const row = q(sqlite).byId.get({ id: keyId })
  return row && shownKey(row)
}

export function listKeys(sqlite: Database.Database): ApiKey[] {
  return q(sqlite).all.all().map(shownKey)
}

export function revokeKey(sqlite: Database.Database, keyId: string): boolean {
  return q(sqlite).revoke.run({ id: keyId }).changes === 1
}

/** The key a bearer token names, if the token is genuine and the key not revoked. */
export function verifyKey(sqlite: Database.Database, token: string): ApiKey | undefined {
  const m = /^ctk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return undefined
  const row = q(sqlite).secret.get({ id: m[1] })
  if (!row || row.revokedAt || !isRole(row.role)) return undefined
  const expected = Buffer.from(row.hash, 'hex')
  const actual = Buffer.from(digest(row.salt, m[2]!), 'hex')
  if (!timingSafeEqual(expected, actual)) return undefined
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt, revokedAt: null }
}

export const allows = (have: Role, need: Role) => RANK[have] >= RANK[need]
