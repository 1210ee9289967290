import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { workerEntry } from '../../../src/modules/stats/entry.ts'

describe('the stats worker entry', () => {
  it('is one bundled module named by its contents, holding the task catalogue and no TypeScript loader', async () => {
    const url = workerEntry()
    expect(url).toMatch(/\/node_modules\/\.cache\/conflict-timeline\/stats-worker-[0-9a-f]{16}\.mjs$/)
    const file = fileURLToPath(url)
    expect(existsSync(file)).toBe(true)
    const code = readFileSync(file, 'utf8')
    expect(code).toContain('eventStatsJson')
    expect(code).not.toContain('tsx')
    expect(workerEntry()).toBe(url)
    const mod = await import(url) as { default: unknown }
    expect(typeof mod.default).toBe('function')
  })
})
