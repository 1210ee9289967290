import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/config.ts'

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databasePath: './data/timeline.db', seedOnStart: true })
    expect(Object.isFrozen(c)).toBe(true)
  })

  it('reads the environment', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_PATH: '/tmp/x.db', CORS_ORIGINS: 'https://a.example, https://b.example', GRAPHIQL: 'false' })
    expect(c.port).toBe(8080)
    expect(c.databasePath).toBe('/tmp/x.db')
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example'])
    expect(c.graphiql).toBe(false)
    expect(loadConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0)
    expect(loadConfig({}).heapGrowthPercent).toBe(50)
  })

  it('fails with one line naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^invalid configuration: PORT: /)
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/)
    expect(() => loadConfig({ HEAP_GROWTH_PERCENT: '-5' })).toThrow(/HEAP_GROWTH_PERCENT/)
  })
})
