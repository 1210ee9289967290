import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { tempDir } from '../helper.ts'

const run = promisify(execFile)
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

function seededFile(): string {
  const path = join(tempDir(), 'cli.db')
  const storage = openDatabase(path)
  migrateDatabase(storage.db)
  seedDatabase(storage.sqlite, seedData)
  storage.close()
  return path
}

describe('npm run export', () => {
  it('writes NDJSON and a manifest whose digest and counts match the file', async () => {
    const db = seededFile()
    const out = join(tempDir(), 'timeline.ndjson')
    await run('npx', ['tsx', 'src/cli/export.ts', '--format', 'ndjson', '--out', out], { env: { ...process.env, DATABASE_PATH: db } })
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'))
    expect(manifest.files[0].sha256).toBe(sha(out))
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines.filter((l) => l.type === 'event')).toHaveLength(manifest.counts.events)
    expect(manifest.counts.events).toBe(seedData.events.length)
  })

  it('creates the folders of --out for a JSON export', async () => {
    const db = seededFile()
    const out = join(tempDir(), 'new', 'dir', 'x.json')
    await run('npx', ['tsx', 'src/cli/export.ts', '--format', 'json', '--out', out], { env: { ...process.env, DATABASE_PATH: db } })
    const doc = JSON.parse(readFileSync(out, 'utf8'))
    expect(doc.events).toHaveLength(seedData.events.length)
    expect(JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8')).files[0].sha256).toBe(sha(out))
  })

  it('writes one CSV per resource for a filtered slice', async () => {
    const db = seededFile()
    const out = join(tempDir(), 'csv')
    await run('npx', ['tsx', 'src/cli/export.ts', '--format', 'csv', '--out', out, '--type', 'offensive'], { env: { ...process.env, DATABASE_PATH: db } })
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    const events = parse(readFileSync(join(out, 'events.csv')), { columns: true, bom: true }) as { id: string }[]
    expect(events.map((e) => e.id)).toEqual(['azerbaijani-offensive-2023-09'])
    for (const f of manifest.files) expect(f.sha256).toBe(sha(f.path))
  })

  it('refuses a bad option with a usage message and exit code 2', async () => {
    const err = await run('npx', ['tsx', 'src/cli/export.ts', '--format', 'xml', '--out', 'x'], { env: { ...process.env, DATABASE_PATH: seededFile() } }).catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toMatch(/--format/)
  })
})
