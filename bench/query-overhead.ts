/**
 * What a typed drizzle prepared statement costs per call beside the same statement in raw SQL on
 * the driver (docs/queries.md). Reads run read-only on the given database; inserts on a migrated
 * in-memory one. Each case is warmed up and timed three times; the best is printed.
 *
 *   npx tsx bench/query-overhead.ts [--db PATH] [--calls N]
 */
import { parseArgs } from 'node:util'
import { asc, eq, sql } from 'drizzle-orm'
import { migrateDatabase, openDatabase } from '../src/db/client.ts'
import { allRows } from '../src/db/prepared.ts'
import { actors, datasetMeta, revisions, sources } from '../src/db/schema.ts'
import { verbatim } from '../src/db/typed.ts'

const { values } = parseArgs({ options: { db: { type: 'string' }, calls: { type: 'string' } } })
const path = values.db ?? process.env.DATABASE_PATH ?? './data/timeline.db'
const calls = Number(values.calls ?? 100_000)
if (!Number.isInteger(calls) || calls < 100) throw new Error('--calls must be a whole number of at least 100')

function time(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(i)
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn(i)
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / n)
  }
  console.log(`${label.padEnd(60)} ${best.toFixed(2).padStart(8)} µs`)
}

const read = openDatabase(path, { readonly: true })
const { sqlite, db } = read
const sourceIds = sqlite.prepare('SELECT id FROM sources ORDER BY id LIMIT 500').pluck().all() as string[]
const actorIds = sqlite.prepare('SELECT id FROM actors ORDER BY id LIMIT 500').pluck().all() as string[]
if (!sourceIds.length || !actorIds.length) throw new Error(`${path} has no sources or actors to read`)
console.log(`${path}, ${calls} calls a case (lists ${calls / 20})`)

const sourceSql = `SELECT id, publisher, title, url, published_date AS publishedDate, kind, language, note,
  created_at AS createdAt, updated_at AS updatedAt, version FROM sources`
const rawSource = sqlite.prepare(`${sourceSql} WHERE id = ?`)
const typedSource = db.select().from(sources).where(eq(sources.id, sql.placeholder('id'))).prepare()
const relational = db.query.sources.findFirst({ where: eq(sources.id, sql.placeholder('id')) }).prepare()
time('source by id: raw', calls, (i) => rawSource.get(sourceIds[i % sourceIds.length]))
time('source by id: drizzle select', calls, (i) => typedSource.get({ id: sourceIds[i % sourceIds.length] }))
time('source by id: drizzle query.findFirst', calls, (i) => relational.get({ id: sourceIds[i % sourceIds.length] }))

// Drizzle parses a JSON column itself; the raw read does the same to be compared fairly.
const rawActor = sqlite.prepare(`SELECT id, name, aliases, kind, affiliation_id AS affiliationId, description,
  created_at AS createdAt, updated_at AS updatedAt, version FROM actors WHERE id = ?`)
const typedActor = db.select().from(actors).where(eq(actors.id, sql.placeholder('id'))).prepare()
time('actor by id, JSON column parsed: raw', calls, (i) => {
  const row = rawActor.get(actorIds[i % actorIds.length]) as { aliases: string | string[] }
  row.aliases = JSON.parse(row.aliases as string) as string[]
  return row
})
time('actor by id, JSON column parsed: drizzle select', calls, (i) => typedActor.get({ id: actorIds[i % actorIds.length] }))

const rawMeta = sqlite.prepare('SELECT version, updated_at AS updatedAt FROM dataset_meta WHERE id = 1')
const typedMeta = db.select({ version: datasetMeta.version, updatedAt: datasetMeta.updatedAt }).from(datasetMeta).where(eq(datasetMeta.id, 1)).prepare()
time('dataset version row: raw', calls, () => rawMeta.get())
time('dataset version row: drizzle select', calls, () => typedMeta.get())

const rawList = sqlite.prepare(`${sourceSql} ORDER BY id LIMIT 50`)
const typedList = db.select().from(sources).orderBy(asc(sources.id)).limit(50).prepare()
time('50 sources: raw, objects made by the driver', calls / 20, () => rawList.all())
time('50 sources: raw, allRows (arrays into object literals)', calls / 20, () => allRows(rawList, []))
time('50 sources: drizzle select', calls / 20, () => typedList.all())
read.close()

const scratch = openDatabase(':memory:')
migrateDatabase(scratch.db)
const rawInsert = scratch.sqlite.prepare(`INSERT INTO revisions (record_type, record_id, operation, key_id, key_name, dataset_version, before, after)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
const p = sql.placeholder
const typedInsert = scratch.db.insert(revisions).values({
  recordType: p('recordType'), recordId: p('recordId'), operation: p('operation'), keyId: p('keyId'), keyName: p('keyName'),
  datasetVersion: p('datasetVersion'), before: verbatim('before'), after: verbatim('after'),
}).prepare()
const body = JSON.stringify({ id: 'an-event', title: 'A title', start: '2023-09-19' })
const inserts = calls / 2
// Each timed round is one transaction, as a write's statements are; the warm-up leaves one open.
const inTransaction = (fn: (i: number) => unknown) => (i: number) => {
  if (i === 0) {
    if (scratch.sqlite.inTransaction) scratch.sqlite.exec('COMMIT')
    scratch.sqlite.exec('DELETE FROM revisions; BEGIN')
  }
  fn(i)
  if (i === inserts - 1) scratch.sqlite.exec('COMMIT')
}
time('insert of 8 values, in a transaction: raw', inserts, inTransaction((i) => rawInsert.run('event', `e${i}`, 'update', 'k', 'desk', i, body, body)))
time('insert of 8 values, in a transaction: drizzle insert', inserts, inTransaction((i) => typedInsert.run({
  recordType: 'event', recordId: `e${i}`, operation: 'update', keyId: 'k', keyName: 'desk', datasetVersion: i, before: body, after: body,
})))
if (scratch.sqlite.inTransaction) scratch.sqlite.exec('COMMIT')
scratch.close()
