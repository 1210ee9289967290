import { describe, expect, it } from 'vitest'
import { SeenIds } from '../../src/modules/import/seen.ts'

describe('the external ids an import has seen', () => {
  it('gives the first line of every repeated id, past what its page cache holds', () => {
    const seen = new SeenIds()
    try {
      // About 6 MB of ids and lines: more than the 4 MiB cache, so pages go to the scratch file.
      const n = 120_000
      const id = (i: number) => `ACLED-${String(i).padStart(12, '0')}-${'x'.repeat(20)}`
      for (let i = 0; i < n; i++) expect(seen.firstSeen(id(i), i + 2)).toBeUndefined()
      for (let i = 0; i < n; i += 997) expect(seen.firstSeen(id(i), n + i)?.line).toBe(i + 2)
      expect(seen.firstSeen('never-seen', 1)).toBeUndefined()
      expect(seen.firstSeen('never-seen', 5)).toEqual({ line: 1, label: 'never-seen' })
      expect(seen.firstSeen('acled-x', 7, 'X')).toBeUndefined()
      expect(seen.firstSeen('acled-x', 9, 'x')).toEqual({ line: 7, label: 'X' })
    } finally {
      seen.close()
    }
  })
})
