import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType } from 'graphql'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/app.ts'
import { createKey } from '../../src/modules/keys/queries.ts'
import { buildTestApp, getJson, gql } from '../helper.ts'

async function setup() {
  const app = await buildTestApp()
  const editor = createKey(app.storage.sqlite, 'editor key', 'editor').key
  const admin = createKey(app.storage.sqlite, 'admin key', 'admin').key
  return { app, editor: { authorization: `Bearer ${editor}` }, admin: { authorization: `Bearer ${admin}` } }
}

/** The smallest literal GraphQL accepts for an input type: every required field, nothing else. */
function minimal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return minimal(type.ofType)
  if (isListType(type)) return '[]'
  const named = getNamedType(type)
  if (isEnumType(named)) return named.getValues()[0]!.name
  if (isInputObjectType(named)) {
    const required = Object.values(named.getFields()).filter((f) => isNonNullType(f.type))
    return `{ ${required.map((f) => `${f.name}: ${minimal(f.type)}`).join(', ')} }`
  }
  return ({ Int: '1', Float: '1', Date: '"2023-09-24"', PartialDate: '"2023-09"' } as Record<string, string>)[named.name] ?? '"x"'
}

const etagOf = async (app: App, url: string) => (await app.inject({ method: 'GET', url })).headers.etag as string

describe('the auth matrix covers every write route and mutation', () => {
  it('every POST, PATCH and DELETE in the OpenAPI document refuses a missing, bad or revoked key, and a role too low', async () => {
    const { app, editor, admin } = await setup()
    const revoked = createKey(app.storage.sqlite, 'old', 'admin')
    app.storage.sqlite.prepare(`UPDATE api_keys SET revoked_at = '2020-01-01' WHERE id = ?`).run(revoked.record.id)
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const writes = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([m]) => ['post', 'patch', 'delete', 'put'].includes(m)).map(([m, op]) => ({ method: m.toUpperCase(), path, op })))
    expect(writes.length).toBeGreaterThanOrEqual(28)
    for (const { method, path, op } of writes) {
      const url = path.replace('{id}', 'ceasefire-2023-09-20')
      const payload = method === 'DELETE' ? undefined : {}
      for (const headers of [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${revoked.key}` }, { authorization: 'Basic abc' }]) {
        const res = await app.inject({ method: method as 'POST', url, headers, payload })
        expect(res.statusCode, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(res.json().code).toBe('UNAUTHORIZED')
      }
      const adminOnly = method === 'DELETE' || path.endsWith('/restore') || /\(admin\b/.test(String(op.summary))
      const asEditor = await app.inject({ method: method as 'POST', url, headers: editor, payload })
      if (adminOnly) expect(asEditor.statusCode, `${method} ${path}`).toBe(403)
      else expect([400, 404, 409, 422, 428], `${method} ${path}`).toContain(asEditor.statusCode)
      const asAdmin = await app.inject({ method: method as 'POST', url, headers: admin, payload })
      expect([400, 404, 409, 422, 428], `${method} ${path}`).toContain(asAdmin.statusCode)
      expect(op.security, `${method} ${path} documents its key`).toEqual([{ bearer: [] }])
    }
  })

  it('every mutation in the schema refuses a missing key, and delete/restore refuse an editor', async () => {
    const { app, editor } = await setup()
    const mutations = Object.keys(app.graphql.schema.getMutationType()!.getFields())
    expect(mutations.length).toBe(28)
    for (const m of mutations) {
      const field = app.graphql.schema.getMutationType()!.getFields()[m]!
      const args = field.args.map((a) => `${a.name}: ${minimal(a.type)}`).join(', ')
      const selection = m.startsWith('delete') ? '{ recordId }' : '{ id }'
      const anonymous = await app.inject({ method: 'POST', url: '/graphql', payload: { query: `mutation { ${m}(${args}) ${selection} }` } })
      expect(anonymous.json().errors?.[0]?.extensions.code, `${m}: ${anonymous.body}`).toBe("UNAUTHORIZED")
      const asEditor = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { ${m}(${args}) ${selection} }` } })
      // A minimal input can be valid: success is as good as any refusal that is not about the key.
      const code = asEditor.json().errors?.[0]?.extensions.code ?? "OK"
      if (m.startsWith('delete') || m.startsWith('restore')) expect(code, m).toBe('FORBIDDEN')
      else expect(code, m).not.toMatch(/UNAUTHORIZED|FORBIDDEN|INTERNAL/)
    }
  })
})

describe('writes', () => {
  it('create, patch, delete and restore an event, with revisions, tombstones and a moving ETag', async () => {
    const { app, editor, admin } = await setup()
    const etag0 = await etagOf(app, '/v1/events')
    const created = await app.inject({ method: 'POST', url: '/v1/events', headers: editor, payload: {
      title: 'Convoy reaches Goris', summary: 'A test convoy.', type: 'displacement', start: '2023-09-25', datePrecision: 'day',
      dateBasis: 'inferred', dateNote: 'test', placeId: 'southern-armenia', actors: [{ actorId: 'armenians-of-nagorno-karabakh', role: 'affected' }],
      citations: [{ sourceId: 'ft-2023-09-24', paragraph: 10 }],
    } })
    expect(created.statusCode).toBe(201)
    expect(created.headers.location).toBe('/v1/events/convoy-reaches-goris')
    expect(await etagOf(app, '/v1/events')).not.toBe(etag0)
    const detail = (await getJson(app, '/v1/events/convoy-reaches-goris')).body.data
    expect(detail.actors).toEqual([expect.objectContaining({ id: 'armenians-of-nagorno-karabakh', role: 'affected' })])
    expect(detail.citations[0]).toMatchObject({ paragraph: 10, locator: 'para. 10' })

    const patched = await app.inject({ method: 'PATCH', url: '/v1/events/convoy-reaches-goris', headers: { ...editor, 'if-match': created.headers.etag as string }, payload: { title: 'Convoy reaches southern Armenia' } })
    expect(patched.statusCode).toBe(200)
    expect(patched.json().data).toMatchObject({ title: 'Convoy reaches southern Armenia', actors: [{ actorId: 'armenians-of-nagorno-karabakh', role: 'affected' }] })

    const deleted = await app.inject({ method: 'DELETE', url: '/v1/events/convoy-reaches-goris', headers: { ...admin, 'if-match': patched.headers.etag as string } })
    expect(deleted.statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/v1/events/convoy-reaches-goris' })).statusCode).toBe(404)
    const tombstones = (await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordType)
    // The event, and its citation: citations have ids of their own in exports.
    expect(tombstones.sort()).toEqual(['citation', 'event'])

    // Restored a moment later, it keeps the time it was created.
    await new Promise((r) => setTimeout(r, 5))
    const restored = await app.inject({ method: 'POST', url: '/v1/events/convoy-reaches-goris/restore', headers: admin })
    expect(restored.statusCode).toBe(200)
    const back = (await getJson(app, '/v1/events/convoy-reaches-goris')).body.data
    expect(back).toMatchObject({ title: 'Convoy reaches southern Armenia', actors: [expect.objectContaining({ id: 'armenians-of-nagorno-karabakh' })] })
    expect(back.createdAt).toBe(detail.createdAt)
    expect(back.updatedAt > detail.createdAt).toBe(true)
    // Restored, the event is live again; its citation comes back under a new id, so the old one stays deleted.
    expect((await getJson(app, '/v1/deletions')).body.data.map((d: any) => d.recordType)).toEqual(['citation'])

    const revisions = (await getJson(app, '/v1/events/convoy-reaches-goris/revisions')).body.data
    expect(revisions.map((r: any) => `${r.operation}:${r.keyName}`)).toEqual(['create:editor key', 'update:editor key', 'delete:admin key', 'restore:admin key'])
    expect(revisions[1].before.title).toBe('Convoy reaches Goris')
    expect(revisions[1].after.title).toBe('Convoy reaches southern Armenia')
    const { body } = await gql(app, '{ event(id: "convoy-reaches-goris") { revisions { nodes { operation keyName datasetVersion } } } }')
    expect(body.data.event.revisions.nodes.map((r: any) => r.operation)).toEqual(['CREATE', 'UPDATE', 'DELETE', 'RESTORE'])
  })

  it('refuses stale and missing preconditions, unknown references and records in use', async () => {
    const { app, editor, admin } = await setup()
    const etag = await etagOf(app, '/v1/actors/kremlin')
    const url = '/v1/actors/kremlin'
    expect((await app.inject({ method: 'PATCH', url, headers: editor, payload: { description: 'x' } })).statusCode).toBe(428)
    expect((await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': 'whatever' }, payload: { description: 'x' } })).statusCode).toBe(412)
    // A current version with a suffix this API never issues names no tag of ours.
    const version = /^"v(\d+)-json"$/.exec(etag)![1]
    for (const tag of [`"v${version}-garbage"`, `"v${version}-json-zip"`, `"v${version}-xml"`]) {
      const res = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': tag }, payload: { description: 'x' } })
      expect(res.statusCode, tag).toBe(412)
    }
    // `*` would match any version: it names none, as a missing If-Match does not.
    const star = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': '*' }, payload: { description: 'x' } })
    expect(star.statusCode).toBe(428)
    expect(star.json().detail).toMatch(/If-Match: \* names no version/)
    const first = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': etag }, payload: { description: 'The Russian presidency.' } })
    expect(first.statusCode).toBe(200)
    const stale = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': etag }, payload: { description: 'lost update' } })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('PRECONDITION_FAILED')
    const ref = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': first.headers.etag as string }, payload: { affiliationId: 'atlantis' } })
    expect(ref.statusCode).toBe(422)
    expect(ref.json().errors).toEqual([{ parameter: 'affiliationId', in: 'body', message: 'actor "atlantis" does not exist' }])
    const inUse = await app.inject({ method: 'DELETE', url: '/v1/places/yevlakh', headers: { ...admin, 'if-match': first.headers.etag as string } })
    expect(inUse.statusCode).toBe(409)
    expect(inUse.json().detail).toMatch(/yevlakh.*still referred to by event/)
    // A source names the records that cite it, each once however many paragraphs it cites, and counts records.
    const cited = await app.inject({ method: 'DELETE', url: '/v1/sources/ft-2023-09-24', headers: { ...admin, 'if-match': first.headers.etag as string } })
    expect(cited.statusCode).toBe(409)
    const citing = app.storage.sqlite.prepare(`SELECT DISTINCT record_type, record_id FROM citations WHERE source_id = 'ft-2023-09-24'`).all()
    const detail: string = cited.json().detail
    const listed = /still referred to by (.*) and (\d+) more$/.exec(detail)!
    const names = listed[1]!.split(', ')
    expect(names).toHaveLength(5)
    expect(new Set(names).size).toBe(5)
    for (const name of names) expect(name).toMatch(/^the citations of (actor|place|event|casualty report|displacement count|statement) [a-z0-9-]+$/)
    expect(5 + Number(listed[2])).toBe(citing.length)
    // An actor with two roles in one event is referred to by one event.
    const twoRoles = await app.inject({ method: 'POST', url: '/v1/events', headers: editor, payload: {
      id: 'two-roles', title: 'Two roles', summary: 'x', type: 'attack', start: '2023-09-25', datePrecision: 'day', dateBasis: 'stated',
      actors: [{ actorId: 'kremlin', role: 'initiator' }, { actorId: 'kremlin', role: 'observer' }], citations: [{ sourceId: 'ft-2023-09-24', paragraph: 5 }],
    } })
    expect(twoRoles.statusCode, twoRoles.body).toBe(201)
    const now = (await app.inject('/v1/dataset')).json().data.version
    const actorInUse = await app.inject({ method: 'DELETE', url: '/v1/actors/kremlin', headers: { ...admin, 'if-match': `"v${now}-json"` } })
    expect(actorInUse.statusCode).toBe(409)
    expect(actorInUse.json().detail.match(/event two-roles/g)).toHaveLength(1)
    const badDate = await app.inject({ method: 'POST', url: '/v1/statements', headers: editor, payload: { speakerId: 'kremlin', saidAt: '2023-02-30', datePrecision: 'day', dateBasis: 'stated', medium: 'speech', summary: 'x', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 14 }] } })
    expect(badDate.statusCode).toBe(400)
    expect(badDate.json().errors[0].parameter).toBe('saidAt')
    const noNote = await app.inject({ method: 'POST', url: '/v1/statements', headers: editor, payload: { speakerId: 'kremlin', saidAt: '2023-09-22', datePrecision: 'day', dateBasis: 'inferred', medium: 'speech', summary: 'x', citations: [{ sourceId: 'ft-2023-09-24', paragraph: 14 }] } })
    expect(noNote.json().errors[0]).toMatchObject({ parameter: 'dateNote' })
    expect(app.storage.sqlite.prepare('PRAGMA foreign_key_check').all()).toEqual([])
  })

  it('two writers racing on one record never lose an update', async () => {
    const { app, editor } = await setup()
    const url = '/v1/actors/civilnet'
    // Every client reads, appends its alias and writes with If-Match, retrying on 412.
    const client = async (alias: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const read = await app.inject({ method: 'GET', url })
        const aliases = read.json().data.aliases as string[]
        const res = await app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': read.headers.etag as string }, payload: { aliases: [...aliases, alias] } })
        if (res.statusCode === 200) return attempt
        expect(res.statusCode).toBe(412)
      }
      throw new Error('gave up')
    }
    const names = Array.from({ length: 8 }, (_, i) => `alias-${i}`)
    await Promise.all(names.map(client))
    const final = (await getJson(app, url)).body.data.aliases
    expect([...final].sort()).toEqual(expect.arrayContaining(names))
    expect(final.filter((a: string) => a.startsWith('alias-'))).toHaveLength(names.length)
    const sameEtag = await etagOf(app, url)
    const racers = await Promise.all([0, 1, 2, 3].map((i) => app.inject({ method: 'PATCH', url, headers: { ...editor, 'if-match': sameEtag }, payload: { description: `racer ${i}` } })))
    expect(racers.map((r) => r.statusCode).sort()).toEqual([200, 412, 412, 412])
  })

  it('GraphQL mutations write through the same engine', async () => {
    const { app, editor, admin } = await setup()
    const created = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: {
      query: 'mutation ($input: ActorInput!) { createActor(input: $input) { id name kind revisions { nodes { operation } } } }',
      variables: { input: { name: 'Example Monitor', kind: 'INTERNATIONAL_ORGANISATION' } },
    } })
    expect(created.json().data.createActor).toEqual({ id: 'Actor:example-monitor', name: 'Example Monitor', kind: 'INTERNATIONAL_ORGANISATION', revisions: { nodes: [{ operation: 'CREATE' }] } })
    const unknownField = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: 'mutation { updateActor(id: "example-monitor", patch: { colour: "red" }, ifMatch: "v1") { id } }' } })
    expect(unknownField.json().errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringContaining('colour') })
    const version = (await getJson(app, '/v1/dataset')).body.data.version
    // Rules beyond the GraphQL types (here: a real calendar date, a note for an inferred date) come from the same zod schemas as REST.
    const bad = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { createStatement(input: { speakerId: "kremlin", saidAt: "2023-02-30", datePrecision: DAY, dateBasis: INFERRED, medium: SPEECH, summary: "x", citations: [{ sourceId: "ft-2023-09-24", paragraph: 14 }] }) { id } }` } })
    expect(bad.json().errors[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' } })
    expect(bad.json().errors[0].extensions.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual(['dateNote', 'saidAt'])
    const patched = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: `mutation { updateActor(id: "example-monitor", patch: { aliases: ["EM"] }, ifMatch: "v${version}") { aliases } }` } })
    expect(patched.json().data.updateActor.aliases).toEqual(['EM'])
    // ifMatch is non-null, as If-Match is required on REST; an empty one is refused like a missing header.
    const noMatch = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: 'mutation { updateActor(id: "example-monitor", patch: { name: "X" }) { id } }' } })
    expect(noMatch.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const emptyMatch = await app.inject({ method: 'POST', url: '/graphql', headers: editor, payload: { query: 'mutation { updateActor(id: "example-monitor", patch: { name: "X" }, ifMatch: "") { id } }' } })
    expect(emptyMatch.json().errors[0].extensions.code).toBe('PRECONDITION_REQUIRED')
    const del = await app.inject({ method: 'POST', url: '/graphql', headers: admin, payload: { query: `mutation { deleteActor(id: "example-monitor", ifMatch: "v${version + 1}") { recordId datasetVersion } }` } })
    expect(del.json().errors, del.body).toBeUndefined()
    expect(del.json().data.deleteActor.recordId).toBe("example-monitor")
  })
})
