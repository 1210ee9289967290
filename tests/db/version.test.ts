import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrateDatabase, openDatabase } from '../../src/db/client.ts'
import { bumpVersion, currentVersion, readVersion, VERSION_SHARED_MS } from '../../src/db/dataset.ts'
import { tempDir } from '../helper.ts'

const later = () => new Promise((resolve) => setTimeout(resolve, VERSION_SHARED_MS + 1))

describe('the version requests share', () => {
  it('is read at most once a millisecond, follows this process at once and another process within the millisecond', async () => {
    const path = join(tempDir(), 'version.db')
    const server = openDatabase(path)
    migrateDatabase(server.db)
    const other = openDatabase(path)
    try {
      const readAt = performance.now()
      const start = currentVersion(server.sqlite)
      expect(start).toBe(readVersion(server.sqlite).version)

      // Another process writes: requests of the same millisecond keep the version they share
      // (checked when this machine was quick enough to stay inside it).
      bumpVersion(other.sqlite)
      const meanwhile = currentVersion(server.sqlite)
      if (performance.now() - readAt < VERSION_SHARED_MS) expect(meanwhile).toBe(start)
      await later()
      expect(currentVersion(server.sqlite)).toBe(start + 1)

      // This process writes: the very next request sees it.
      bumpVersion(server.sqlite)
      expect(currentVersion(server.sqlite)).toBe(start + 2)
    } finally {
      server.close()
      other.close()
    }
  })
})
