import { chmodSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
// @ts-expect-error the Frictionless JavaScript library ships no type declarations
import datapackage from 'datapackage'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, tempDir } from '../helper.ts'

interface FrictionlessResource { name: string, read(o: { keyed: boolean, relations: boolean }): Promise<unknown[]> }
interface FrictionlessPackage { valid: boolean, errors: Error[], resources: FrictionlessResource[] }
const { Package } = datapackage as { Package: { load(path: string, o: { basePath: string }): Promise<FrictionlessPackage> } }

/**
 * The JavaScript reader does not skip the byte order mark the CSVs carry for spreadsheets (the
 * Python tools do), so it reads copies without it; nothing else is changed.
 */
function withoutBom(dir: string): string {
  const copy = join(dir, 'copy')
  cpSync(join(dir, 'releases', '2026.1'), copy, { recursive: true })
  for (const f of readdirSync(join(copy, 'csv'))) {
    const path = join(copy, 'csv', f)
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('\ufeff')).toBe(true)
    chmodSync(path, 0o644) // release files are read-only
    writeFileSync(path, text.slice(1))
  }
  return copy
}

describe('datapackage.json of a release', () => {
  it('is a valid tabular data package whose every CSV row casts to its types and keeps its primary and foreign keys', async () => {
    const dir = tempDir()
    const app = await buildTestApp({ databasePath: join(dir, 'timeline.db'), releasesPath: join(dir, 'releases') })
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
    const made = await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })
    expect(made.statusCode).toBe(201)
    const copy = withoutBom(dir)
    const pkg = await Package.load(join(copy, 'datapackage.json'), { basePath: copy })
    expect(pkg.errors.map((e) => e.message)).toEqual([])
    expect(pkg.valid).toBe(true)
    const counts = made.json().data.counts as Record<string, number>
    const byName: Record<string, string> = { event_actors: 'eventActors', casualty_reports: 'casualtyReports', displacement_counts: 'displacementCounts', statement_events: 'statementEvents', external_ids: 'externalIds' }
    for (const r of pkg.resources) {
      const rows = await r.read({ keyed: true, relations: true })
      expect(rows.length, r.name).toBe(counts[byName[r.name] ?? r.name])
    }
  })

  it('fails the same reader when a row breaks a foreign key', async () => {
    const dir = tempDir()
    const app = await buildTestApp({ databasePath: join(dir, 'timeline.db'), releasesPath: join(dir, 'releases') })
    const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin', 'admin').key}` }
    expect((await app.inject({ method: 'POST', url: '/v1/releases', headers: admin, payload: { tag: '2026.1' } })).statusCode).toBe(201)
    const copy = withoutBom(dir)
    const path = join(copy, 'csv', 'eventActors.csv')
    const lines = readFileSync(path, 'utf8').split('\r\n')
    lines[1] = lines[1]!.replace(/^[^,]+/, 'no-such-event')
    writeFileSync(path, lines.join('\r\n'))
    const pkg = await Package.load(join(copy, 'datapackage.json'), { basePath: copy })
    const eventActors = pkg.resources.find((r) => r.name === 'event_actors')!
    await expect(eventActors.read({ keyed: true, relations: true })).rejects.toThrow(/foreign key/i)
  })
})
