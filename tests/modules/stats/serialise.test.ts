import { describe, expect, it } from 'vitest'
import { serializerCompiler } from '../../../src/http/serializer.ts'
import { StatsResponse } from '../../../src/modules/stats/schemas.ts'
import { getJson, sharedApp } from '../../helper.ts'

const app = sharedApp()
const schemaSerialiser = (serializerCompiler as unknown as (o: { schema: unknown }) => (data: unknown) => string)({ schema: StatsResponse })

// The stats route writes its body with JSON.stringify: it must be the bytes the schema's own
// serialiser would write, which drops undeclared fields and keeps the declared ones in order.
describe('stats responses hold to their schema', () => {
  for (const url of [
    '/v1/stats/events?groupBy=period,type&period=week',
    '/v1/stats/events?groupBy=place,country,actor&measures=killed,displaced',
    '/v1/stats/events?groupBy=&q=ceasefire',
    '/v1/stats/events?groupBy=period&period=day&limit=2',
    '/v1/stats/events?groupBy=type&measures=displaced,killed&format=json',
  ]) {
    it(url, async () => {
      const res = await app().inject(url)
      expect(res.statusCode).toBe(200)
      const body = res.json()
      expect(body.data.length).toBeGreaterThan(0)
      expect(res.body).toBe(schemaSerialiser(body))
      expect(StatsResponse.parse(body)).toEqual(body)
    })
  }

  it('sends problems as problem+json', async () => {
    const res = await getJson(app(), '/v1/stats/events?groupBy=colour')
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.body.code).toBe('VALIDATION_FAILED')
  })
})
