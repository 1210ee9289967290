import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKey } from '../../src/modules/keys/queries.ts'
import { importFile } from '../../src/modules/import/importer.ts'
import { buildTestApp, tempDir } from '../helper.ts'

// Every fact names its source: an event, a figure or a statement without a citation is refused,
// over REST, GraphQL and imports alike. Sources, actors and places may stand without one.
describe('facts are written with their citations', () => {
  it('refuses an event, a figure, a count or a statement without one, and takes actors and places without', async () => {
    const app = await buildTestApp()
    const auth = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor', 'editor').key}` }
    const facts: [string, object][] = [
      ['/v1/events', { title: 'T', summary: 'S', type: 'statement', start: '2023-09-25', datePrecision: 'day', dateBasis: 'stated' }],
      ['/v1/casualty-reports', { eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'people', low: 3, qualifier: 'at_least', reportedPhrase: 'at least 3' }],
      ['/v1/displacement-counts', { metric: 'arrived', best: 5, qualifier: 'exact', reportedPhrase: '5', asOf: '2023-09-25', asOfPrecision: 'day', asOfBasis: 'stated' }],
      ['/v1/statements', { speakerId: 'kremlin', saidAt: '2023-09-22', datePrecision: 'day', dateBasis: 'stated', medium: 'speech', summary: 'x' }],
    ]
    for (const [url, body] of facts) {
      for (const citations of [undefined, []]) {
        const res = await app.inject({ method: 'POST', url, headers: auth, payload: citations ? { ...body, citations } : body })
        expect(res.statusCode, url).toBe(400)
        expect(res.json().errors.map((e: { parameter: string }) => e.parameter), url).toContain('citations')
      }
      const cited = await app.inject({ method: 'POST', url, headers: auth, payload: { ...body, citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }] } })
      expect(cited.statusCode, `${url} ${cited.body}`).toBe(201)
    }
    expect((await app.inject({ method: 'POST', url: '/v1/actors', headers: auth, payload: { name: 'A monitor', kind: 'person' } })).statusCode).toBe(201)
    const g = (await app.inject({ method: 'POST', url: '/graphql', headers: auth, payload: {
      query: 'mutation { createStatement(input: { speakerId: "kremlin", saidAt: "2023-09-22", datePrecision: DAY, dateBasis: STATED, medium: SPEECH, summary: "x", citations: [] }) { id } }',
    } })).json()
    expect(g.errors[0].extensions.code).toBe('VALIDATION_FAILED')
    expect(g.errors[0].extensions.errors.map((e: { parameter: string }) => e.parameter)).toContain('citations')
    await app.close()
  })

  it('rejects an ACLED row whose source column names no source', async () => {
    const app = await buildTestApp()
    const header = 'event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,geo_precision,source,notes,fatalities'
    const row = (id: string, source: string) => `${id},2024-03-02,1,Battles,Armed clash,Sample Force,Sample Band,Sampleland,North Province,Sample Town,40.1,45.5,1,${source},Synthetic row.,2`
    const path = join(tempDir(), 'sources.csv')
    writeFileSync(path, [header, row('SRC1', 'Sample Herald'), row('SRC2', '";"'), row('SRC3', 'Sample Herald; Example Wire')].join('\n') + '\n')
    const report = await importFile(app.storage.sqlite, { format: 'acled', path })
    expect(report).toMatchObject({ rows: 3, imported: 2, rejectedRows: 1 })
    expect(report.rejected[0]).toMatchObject({ row: 3, reason: expect.stringMatching(/source ";" names no source/) })
    await app.close()
  })
})
