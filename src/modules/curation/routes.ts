import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { IdParams, Problem } from '../../http/schemas.ts'
import { RECORDS } from './records.ts'
import { RESOURCES } from './resources.ts'
import { patchOf } from './schemas.ts'

/** A create, update or restore answers with the record as stored (records.ts). */
const written = (record: z.ZodObject) => z.object({ data: record, meta: z.object({ datasetVersion: z.number().int() }) })
const Deleted = z.object({ data: z.object({ recordType: z.string(), recordId: z.string(), deletedAt: z.string(), datasetVersion: z.number().int() }) })
/**
 * A write to a record: `before` and `after` hold the record as stored then, in the shape its write
 * answered with (records.ts). A revision made before a field existed lacks it and keeps a field
 * since dropped, so every field is optional and others may appear.
 */
const revisionOf = (name: string, record: z.ZodObject) => {
  const then = record.partial().loose().meta({ id: `${name}AsRevised`, description: `${name}Record as it was stored at the revision` })
  return z.object({
    id: z.number().int(), operation: z.enum(['create', 'update', 'delete', 'restore']), keyName: z.string(), at: z.string(),
    datasetVersion: z.number().int(),
    before: then.nullable().describe('the record before the write; null for a create'),
    after: then.nullable().describe('the record after the write; null for a delete'),
  }).meta({ id: `${name}Revision` })
}

const ERRORS = {
  400: Problem.describe('a parameter or the body breaks the schema; errors names each one'),
  401: Problem.describe('no API key, or not a valid one'),
  403: Problem.describe('the key\'s role may not do this'),
  404: Problem.describe('no such record'),
  409: Problem.describe('the record exists already, or is still referred to'),
  412: Problem.describe('the record changed after the version named in If-Match, or the tag was never issued'),
  422: Problem.describe('the body names a record that does not exist, or makes a record part of itself'),
  428: Problem.describe('If-Match is missing'),
}
const errors = <K extends keyof typeof ERRORS>(...codes: K[]) => Object.fromEntries(codes.map((c) => [c, ERRORS[c]])) as Pick<typeof ERRORS, K>
// Optional for validation so that its absence is a 428 naming the header; the document marks it required.
const IfMatch = z.object({ 'if-match': z.string().optional().describe('the ETag of your last read, e.g. "v12-json"; several may be listed') })
const TAG: Record<string, string> = { 'casualty-reports': 'casualties', 'displacement-counts': 'displacement' }
const pascal = (label: string) => label.replace(/(^|\s)(\w)/g, (_m, _s, c: string) => c.toUpperCase())
const article = (label: string) => (/^[aeiou]/.test(label) ? 'an' : 'a')

/** POST, PATCH, DELETE, restore and revisions for every curated resource, through one write engine. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const who = (key: { id: string, name: string }) => ({ keyId: key.id, keyName: key.name })
  const etag = (version: number) => `"v${version}-json"`

  for (const spec of RESOURCES) {
    const tags = [TAG[spec.path] ?? spec.path]
    const name = pascal(spec.label)
    const a = `${article(spec.label)} ${spec.label}`
    const Written = written(RECORDS[spec.recordType])
    const Revision = revisionOf(name, RECORDS[spec.recordType])
    app.post(`/${spec.path}`, {
      // The key is checked before the body is read: a client without one never gets it parsed.
      onRequest: async (request) => { request.apiKey = app.authorize(request, 'editor') },
      schema: { tags, operationId: `create${name}`, summary: `Create ${a}`, description: `Needs an editor key. \`id\` is optional (a slug of the name or title otherwise); the body is strict and every reference must exist.`, security: [{ bearer: [] }], body: spec.input, response: { 201: Written, ...errors(400, 401, 403, 409, 422) } },
    }, async (request, reply) => {
      const record = await app.writes.attempt(() => app.writes.create(spec, request.body, who(request.apiKey!)))
      const version = record.version as number
      return reply.code(201).header('location', `/v1/${spec.path}/${String(record.id)}`).header('etag', etag(version))
        .send({ data: record, meta: { datasetVersion: version } })
    })

    app.patch(`/${spec.path}/:id`, {
      onRequest: async (request) => { request.apiKey = app.authorize(request, 'editor') },
      schema: { tags, operationId: `update${name}`, summary: `Change fields of ${a}`, description: 'Needs an editor key and If-Match with the ETag of a read made since the last change; a list given here replaces the stored one.', security: [{ bearer: [] }], params: IdParams, headers: IfMatch, body: patchOf(spec.input), response: { 200: Written, ...errors(400, 401, 403, 404, 412, 422, 428) } },
    }, async (request, reply) => {
      const record = await app.writes.attempt(() => app.writes.update(spec, request.params.id, request.body, request.headers['if-match'], who(request.apiKey!)))
      const version = record.version as number
      return reply.header('etag', etag(version)).send({ data: record, meta: { datasetVersion: version } })
    })

    app.delete(`/${spec.path}/:id`, {
      onRequest: async (request) => { request.apiKey = app.authorize(request, 'admin') },
      schema: { tags, operationId: `delete${name}`, summary: `Delete ${a}`, description: 'Needs an admin key and If-Match. Refused while other records refer to it; the last state stays in the revisions, from which it can be restored.', security: [{ bearer: [] }], params: IdParams, headers: IfMatch, response: { 200: Deleted, ...errors(400, 401, 403, 404, 409, 412, 428) } },
    }, async (request) => ({ data: await app.writes.attempt(() => app.writes.remove(spec, request.params.id, request.headers['if-match'], who(request.apiKey!))) }))

    app.post(`/${spec.path}/:id/restore`, {
      onRequest: async (request) => { request.apiKey = app.authorize(request, 'admin') },
      schema: { tags, operationId: `restore${name}`, summary: `Restore a deleted ${spec.label}`, description: 'Needs an admin key. Rebuilds the record, its links and citations as they were before deletion.', security: [{ bearer: [] }], params: IdParams, response: { 200: Written, ...errors(400, 401, 403, 404, 409, 422) } },
    }, async (request, reply) => {
      const record = await app.writes.attempt(() => app.writes.restore(spec, request.params.id, who(request.apiKey!)))
      const version = record.version as number
      return reply.header('etag', etag(version)).send({ data: record, meta: { datasetVersion: version } })
    })

    app.get(`/${spec.path}/:id/revisions`, {
      schema: { tags, operationId: `list${name}Revisions`, summary: `Every write to ${a}`, description: 'Who wrote, when, which operation, and the record before and after.', params: IdParams, response: { 200: z.object({ data: z.array(Revision) }), ...errors(400, 404) } },
    }, async (request) => ({ data: app.writes.revisions(spec, request.params.id) as z.infer<typeof Revision>[] }))
  }
}

export default routes
