import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER } from '../../src/db/client.ts'

describe('the migration journal', () => {
  it('stamps each migration later than the one before, or drizzle skips it on a database that has the later stamp', () => {
    const { entries } = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number, when: number, tag: string }[] }
    expect(entries.map((e) => e.idx)).toEqual(entries.map((_, i) => i))
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.when, entries[i]!.tag).toBeGreaterThan(entries[i - 1]!.when)
    // Every entry has its file, and every file its entry.
    const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort()
    expect(files).toEqual(entries.map((e) => `${e.tag}.sql`))
  })
})
