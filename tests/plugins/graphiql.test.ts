import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helper.ts'

describe('GraphiQL from installed packages', () => {
  it('serves the page and each asset it loads from this server, and nothing else under its path', async () => {
    const app = await buildTestApp()
    const page = await app.inject({ method: 'GET', url: '/graphiql' })
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets.length).toBe(6)
    for (const url of assets) {
      expect(url.startsWith('/graphiql/assets/'), url).toBe(true)
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type'], url).toMatch(url.endsWith('.css') ? /^text\/css/ : /^text\/javascript/)
      expect(res.body, url).not.toMatch(/https:\/\/unpkg\.com/)
    }
    for (const url of ['/graphiql/assets/package.json', '/graphiql/assets/..%2F..%2Fpackage.json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404)
    }
  })

  it('is not served when GRAPHIQL is off; the schema still is', async () => {
    const app = await buildTestApp({ graphiql: false })
    expect((await app.inject({ method: 'GET', url: '/graphiql' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/graphiql/assets/app.js' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/schema.graphql' })).body).toMatch(/type Query/)
  })
})
