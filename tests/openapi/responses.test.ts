import type { LightMyRequestResponse } from 'fastify'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/app.ts'
import { RESOURCES } from '../../src/modules/curation/resources.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { responseChecker } from '../fuzz/check.ts'
import { buildTestApp } from '../helper.ts'

type Schema = Record<string, any>

/**
 * The places in `value` its schema lets through without saying what they hold: a field the schema
 * does not name, or a value under a schema of any value (`{}`). Validation alone passes both, so
 * a body typed as "an object of any fields" would pass it whatever the server sent.
 */
function undeclared(doc: Schema, value: unknown, schema: Schema, at = '$'): string[] {
  const s: Schema = schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema
  // A nullable value: the branch it takes.
  if (s.anyOf) {
    const branch = s.anyOf.find((b: Schema) => (b.type === 'null') === (value === null))
    return branch ? undeclared(doc, value, branch, at) : [at]
  }
  if (!('type' in s) && !('const' in s) && !('enum' in s)) return [at]
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => {
      const item = s.prefixItems?.[i] ?? s.items
      return item ? undeclared(doc, v, item, `${at}[${i}]`) : [`${at}[${i}]`]
    })
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (s.properties?.[k] ? undeclared(doc, v, s.properties[k], `${at}.${k}`) : [`${at}.${k}`]))
  }
  return []
}

/** Checks each answer against the served document: declared status and media type, a valid body, every value in it typed. */
async function contract(app: App) {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const check = responseChecker(doc)
  return (path: string, method: string, res: LightMyRequestResponse) => {
    const label = `${method.toUpperCase()} ${path} ${res.statusCode}`
    expect(check(path, method, res), `${label}: ${res.body.slice(0, 300)}`).toBeNull()
    const media = String(res.headers['content-type']).split(';')[0]!
    const schema = doc.paths[path][method].responses[String(res.statusCode)].content[media].schema
    expect(undeclared(doc, res.json(), schema), label).toEqual([])
  }
}

const CITED = [{ sourceId: 'ft-2023-09-24', paragraph: 5, locator: 'para. 5, second sentence', quote: 'a quote' }, { sourceId: 'ft-2023-09-24' }]

/** Per resource: a body giving every field, one giving only the required ones (so the answer holds nulls), and a patch. */
const BODIES: Record<string, { full: object, minimal: object, patch: object }> = {
  sources: {
    full: { id: 'test-wire', publisher: 'Test Wire', title: 'A title', url: 'https://example.org/x', publishedDate: '2023-09-25', kind: 'news_report', language: 'en', note: 'a note' },
    minimal: { publisher: 'Other Wire', publishedDate: '2023-09-26', kind: 'official_statement', language: 'hy' },
    patch: { note: 'changed' },
  },
  actors: {
    full: { id: 'test-monitor', name: 'Test Monitor', aliases: ['TM'], kind: 'person', affiliationId: 'kremlin', description: 'd', citations: CITED },
    minimal: { name: 'Bare Actor', kind: 'person' },
    patch: { aliases: [], affiliationId: null },
  },
  places: {
    full: { id: 'test-town', name: 'Test Town', aliases: ['TT'], kind: 'town', latitude: 39.51234567, longitude: 46.3, countryCode: 'AM', parentId: 'southern-armenia', note: 'n', citations: CITED },
    minimal: { name: 'Bare Place', kind: 'area' },
    patch: { latitude: -12.5, citations: [] },
  },
  events: {
    full: {
      id: 'test-event', title: 'Convoy', summary: 'A convoy.', type: 'displacement', start: '2023-09-25T18:00+04:00', end: '2023-09-25T20:30+04:00',
      datePrecision: 'minute', dateBasis: 'inferred', dateNote: 'n', placeId: 'southern-armenia', actors: [{ actorId: 'kremlin', role: 'observer' }], citations: CITED,
    },
    minimal: { title: 'Bare event', summary: 's', type: 'displacement', start: '2023', datePrecision: 'year', dateBasis: 'stated', citations: [{ sourceId: 'ft-2023-09-24' }] },
    patch: { title: 'Convoy 2', actors: [] },
  },
  'casualty-reports': {
    full: {
      id: 'test-casualty', eventId: 'azerbaijani-offensive-2023-09', outcome: 'killed', victimGroup: 'civilians', low: 10, high: 20, best: 15, qualifier: 'about',
      reportedPhrase: 'about 15', reportedById: 'kremlin', victimActorId: 'armenians-of-nagorno-karabakh', perpetratorActorId: 'kremlin', note: 'n', citations: CITED,
    },
    minimal: { eventId: 'azerbaijani-offensive-2023-09', outcome: 'missing', victimGroup: 'people', best: 3, qualifier: 'about', reportedPhrase: 'three', citations: [{ sourceId: 'ft-2023-09-24' }] },
    patch: { high: 25 },
  },
  'displacement-counts': {
    full: {
      id: 'test-displacement', eventId: 'exodus-from-nagorno-karabakh-begins', metric: 'arrived', low: 100, high: 200, best: 150, qualifier: 'about', reportedPhrase: 'about 150',
      originPlaceId: 'southern-armenia', destinationPlaceId: 'southern-armenia', asOf: '2023-09-25T18:00+04:00', asOfPrecision: 'minute', asOfBasis: 'stated', asOfNote: 'n',
      reportedById: 'kremlin', relayedById: 'kremlin', note: 'n', citations: CITED,
    },
    minimal: { metric: 'displaced', best: 7, qualifier: 'about', reportedPhrase: 'seven', asOf: '2023-09', asOfPrecision: 'month', asOfBasis: 'inferred', asOfNote: 'from the month', citations: [{ sourceId: 'ft-2023-09-24' }] },
    patch: { best: 160 },
  },
  statements: {
    full: {
      id: 'test-statement', speakerId: 'kremlin', saidAt: '2023-09-22', datePrecision: 'day', dateBasis: 'stated', dateNote: 'n', medium: 'speech', quote: 'words',
      summary: 'said things', eventIds: ['azerbaijani-offensive-2023-09', 'exodus-from-nagorno-karabakh-begins'], citations: CITED,
    },
    minimal: { speakerId: 'kremlin', saidAt: '2023-09', datePrecision: 'month', dateBasis: 'stated', medium: 'speech', summary: 'bare', citations: [{ sourceId: 'ft-2023-09-24' }] },
    patch: { quote: null, eventIds: ['azerbaijani-offensive-2023-09'] },
  },
}

describe('write answers are what the served OpenAPI document says', () => {
  for (const spec of RESOURCES) {
    it(`${spec.path}: create, update, delete, restore and their refusals`, async () => {
      const app = await buildTestApp()
      const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor key', 'editor').key}` }
      const admin = { authorization: `Bearer ${createKey(app.storage.sqlite, 'admin key', 'admin').key}` }
      const matches = await contract(app)
      const list = `/v1/${spec.path}`
      const one = `${list}/{id}`
      const { full, minimal, patch } = BODIES[spec.path]!
      expect(Object.keys(full).sort(), 'the full body gives every field').toEqual(Object.keys(spec.input.shape).sort())
      // The answer is the record as stored: the revision the write made holds the same, so a field
      // the response schema left out (fast-json-stringify drops it) shows here.
      const asStored = async (res: LightMyRequestResponse) => {
        const revisions = (await app.inject({ url: `${list}/${res.json().data.id}/revisions` })).json().data
        expect(res.json().data).toEqual(revisions.at(-1).after)
      }

      const created = await app.inject({ method: 'POST', url: list, headers: editor, payload: full })
      expect(created.statusCode, created.body).toBe(201)
      matches(list, 'post', created)
      await asStored(created)
      const bare = await app.inject({ method: 'POST', url: list, headers: editor, payload: minimal })
      expect(bare.statusCode, bare.body).toBe(201)
      matches(list, 'post', bare)
      await asStored(bare)
      const url = `${list}/${created.json().data.id}`
      const patched = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': created.headers.etag as string }, payload: patch })
      expect(patched.statusCode, patched.body).toBe(200)
      matches(one, 'patch', patched)
      await asStored(patched)
      const deleted = await app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': patched.headers.etag as string } })
      expect(deleted.statusCode, deleted.body).toBe(200)
      matches(one, 'delete', deleted)
      const restored = await app.inject({ method: 'POST', url: `${url}/restore`, headers: admin })
      expect(restored.statusCode, restored.body).toBe(200)
      matches(`${one}/restore`, 'post', restored)
      await asStored(restored)

      const refusals: [string, string, LightMyRequestResponse][] = [
        [list, 'post', await app.inject({ method: 'POST', url: list, headers: editor, payload: full })],
        [list, 'post', await app.inject({ method: 'POST', url: list, headers: editor, payload: { ...minimal, colour: 'red' } })],
        [list, 'post', await app.inject({ method: 'POST', url: list, payload: full })],
        [one, 'patch', await app.inject({ method: 'PATCH', url, headers: editor, payload: patch })],
        [one, 'patch', await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': created.headers.etag as string }, payload: patch })],
        [one, 'delete', await app.inject({ method: 'DELETE', url, headers: { ...editor, 'if-match': restored.headers.etag as string } })],
        [`${one}/restore`, 'post', await app.inject({ method: 'POST', url: `${list}/never-was/restore`, headers: admin })],
      ]
      expect(refusals.map(([, , res]) => res.statusCode)).toEqual([409, 400, 401, 428, 412, 403, 404])
      for (const [path, method, res] of refusals) matches(path, method, res)
    })
  }
})

describe('the map and timeline views are what the served OpenAPI document says', () => {
  for (const view of ['/v1/events.geojson', '/v1/timeline.json']) {
    it(`${view}: every page, every item`, async () => {
      const app = await buildTestApp()
      const editor = { authorization: `Bearer ${createKey(app.storage.sqlite, 'editor key', 'editor').key}` }
      const matches = await contract(app)
      // Beside the seed: a place without coordinates (a slide without lat/lon) and an event timed to the minute with an end.
      const write = async (url: string, payload: object) => expect((await app.inject({ method: 'POST', url, headers: editor, payload })).statusCode).toBe(201)
      await write('/v1/places', { id: 'nowhere', name: 'Nowhere', kind: 'area' })
      await write('/v1/events', { ...BODIES.events!.full, id: 'timed' })
      await write('/v1/events', { ...BODIES.events!.minimal, id: 'unlocated', start: '2023-09-25', datePrecision: 'day', placeId: 'nowhere' })

      const seen: unknown[] = []
      for (let url: string | undefined = `${view}?limit=7`; url;) {
        const res: LightMyRequestResponse = await app.inject({ url })
        expect(res.statusCode, res.body).toBe(200)
        matches(view, 'get', res)
        const body = res.json()
        seen.push(...(body.features ?? body.events))
        url = /<[^>]*?(\/v1\/[^>]+)>/.exec(String(res.headers.link ?? ''))?.[1]
      }
      expect(seen.length).toBeGreaterThan(7)
      if (view.endsWith('geojson')) expect(seen).toContainEqual(expect.objectContaining({ id: 'timed', properties: expect.objectContaining({ end: '2023-09-25T20:30+04:00' }) }))
      else {
        expect(seen).toContainEqual(expect.objectContaining({ unique_id: 'timed', end_date: expect.objectContaining({ hour: 20, minute: 30 }) }))
        expect(seen).toContainEqual(expect.objectContaining({ unique_id: 'unlocated', location: { name: 'Nowhere', lat: null, lon: null } }))
      }
    })
  }
})
