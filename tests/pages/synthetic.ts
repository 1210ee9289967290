import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedData } from '../../seed/data.ts'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { seedDatabase } from '../../src/db/seed.ts'
import { synthesise } from '../../src/db/synth.ts'

/** Events in the synthetic dataset the page tests run on (the page must hold at this size and more). */
export const SYNTH_EVENTS = 100_000

/**
 * A database of the seed plus SYNTH_EVENTS synthetic events, built once in memory (about a minute)
 * and kept in the temporary directory under a name derived from the migrations, the seed and the
 * generator, so a changed schema or generator builds a new one. Tests open copies read-only in
 * spirit: they only read through the app. A lock directory keeps parallel test files from building
 * it twice.
 */
export async function syntheticDatabase(events = SYNTH_EVENTS): Promise<string> {
  const hash = createHash('sha256')
  for (const f of readdirSync('migrations').filter((x) => x.endsWith('.sql')).sort()) hash.update(readFileSync(join('migrations', f)))
  hash.update(readFileSync('src/db/synth.ts')).update(readFileSync('seed/data.ts'))
  const path = join(tmpdir(), `timeline-page-synth-${events}-${hash.digest('hex').slice(0, 12)}.db`)
  const lock = `${path}.lock`
  for (;;) {
    if (existsSync(path)) return path
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test file is building it; a lock older than ten minutes was left by a killed run.
      try { if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true }) } catch { /* gone already */ }
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
  try {
    if (existsSync(path)) return path
    const storage = openDatabase(':memory:')
    migrateDatabase(storage.db)
    seedDatabase(storage.sqlite, seedData)
    synthesise(storage.sqlite, { events })
    const tmp = `${path}.${process.pid}.tmp`
    storage.sqlite.exec(`VACUUM INTO '${tmp.replaceAll("'", "''")}'`)
    storage.close()
    renameSync(tmp, path)
    return path
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
