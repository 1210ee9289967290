import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helper.ts'

describe('turning the response cache off', () => {
  it.each([{ cacheMaxEntries: 0 }, { cacheMaxBytes: 0 }])('%o starts the server and answers every read afresh', async (bound) => {
    const app = await buildTestApp(bound)
    for (let i = 0; i < 2; i++) {
      const res = await app.inject('/v1/events?limit=2')
      expect(res.statusCode).toBe(200)
      expect(res.headers['x-cache']).toBeUndefined()
    }
  })
})
