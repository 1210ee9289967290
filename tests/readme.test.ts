import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sharedApp } from './helper.ts'

// The README's examples are run as written, so the documentation cannot drift from the API.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const curls = [...readme.matchAll(/curl '(http:\/\/127\.0\.0\.1:3000[^']+)'/g)].map((m) => m[1]!.replace('http://127.0.0.1:3000', ''))
const queries = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!)
const app = sharedApp()

describe('README examples', () => {
  it('has examples for events, actors, casualties and displacement', () => {
    for (const path of ['/v1/events', '/v1/actors', '/v1/casualty-reports', '/v1/displacement-counts']) {
      expect(curls.some((u) => u.startsWith(path)), path).toBe(true)
    }
    expect(queries.length).toBeGreaterThanOrEqual(4)
  })

  it.each(curls)('curl %s answers 200 with data', async (url) => {
    const res = await app().inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.body.length).toBeGreaterThan(50)
  })

  it.each(queries.map((q) => [q.slice(0, 40).replace(/\s+/g, ' '), q]))('GraphQL %s… runs without errors', async (_name, query) => {
    const res = await app().inject({ method: 'POST', url: '/graphql', payload: { query } })
    expect(res.json().errors).toBeUndefined()
    expect(JSON.stringify(res.json().data)).not.toBe('{}')
  })
})
