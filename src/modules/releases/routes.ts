import { createReadStream } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import { Problem, problemResponses } from '../../http/schemas.ts'
import { buildRelease, releaseThreadEntry } from './build.ts'
import { listReleases, NewTag, readRelease, releaseFilePath, releaseFiles, Tag, type ReleaseManifest } from './store.ts'

export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** How long POST /v1/releases waits for the build before answering 202, well within the request timeout. */
const WAIT_MS = 10_000

const ReleaseSummary = z.object({
  tag: z.string(),
  datasetVersion: z.number().int(),
  datasetUpdatedAt: z.string(),
  createdAt: z.string(),
  url: z.string(),
}).meta({ id: 'ReleaseSummary' })

const ReleaseFile = z.object({
  name: z.string(), url: z.string(), bytes: z.number().int(), sha256: z.string(),
}).meta({ id: 'ReleaseFile' })

const Release = ReleaseSummary.extend({
  counts: z.record(z.string(), z.number().int()),
  licence: z.string(),
  citation: z.object({ csl: z.array(z.record(z.string(), z.unknown())), bibtex: z.string() }),
  api: z.string().describe('prefix under which every read route answers from this release'),
  files: z.array(ReleaseFile),
}).meta({ id: 'Release' })

const TagParams = z.strictObject({ tag: Tag })

const TYPES: Record<string, string> = {
  db: 'application/vnd.sqlite3', json: 'application/json; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8', bib: 'application/x-bibtex; charset=utf-8',
}

/** A matching If-None-Match answers 304; the caller sets the ETag first. */
function notModified(request: FastifyRequest, etag: string): boolean {
  const match = request.headers['if-none-match']
  return !!match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
}

// The typed reply wants the documented 200 body; a 304 has none.
const send304 = (reply: FastifyReply) => reply.code(304).send()

const routes: FastifyPluginAsyncZod = async (app) => {
  const root = app.config.releasesPath
  // Bundling the thread's module takes some 100 ms of the loop; better at start than in a request.
  releaseThreadEntry()
  const base = (request: FastifyRequest) => app.config.publicUrl ?? `${request.protocol}://${request.host}`
  const summary = (m: ReleaseManifest, b: string) => ({
    tag: m.tag, datasetVersion: m.datasetVersion, datasetUpdatedAt: m.datasetUpdatedAt, createdAt: m.createdAt, url: `${b}/v1/releases/${m.tag}`,
  })
  const detail = async (tag: string, b: string) => {
    const entry = readRelease(root, tag)
    if (!entry) throw new NotFoundError('release', tag)
    const { manifest: m } = entry
    const { readFile } = await import('node:fs/promises')
    const csl = JSON.parse(await readFile(`${root}/${tag}/citation.json`, 'utf8')) as Record<string, unknown>[]
    const bibtex = await readFile(`${root}/${tag}/citation.bib`, 'utf8')
    return {
      ...summary(m, b), counts: m.counts, licence: m.licence, citation: { csl, bibtex }, api: `${b}/releases/${tag}/`,
      files: releaseFiles(root, tag)!.map((f) => ({ ...f, url: `${b}/v1/releases/${tag}/files/${f.name}` })),
    }
  }
  /** Releases still being built after the POST answered, with when they started. */
  const building = new Map<string, string>()
  // These routes set their own validators: releases appear without a write, so the dataset version cannot tag them.
  const own = { ownCaching: true }

  app.get('/releases', {
    config: own,
    schema: { tags: ['releases'], operationId: 'listReleases', summary: 'Every release, oldest first',
      description: 'Each release with its tag, dataset version, creation time and counts. Not cached by dataset version: the ETag changes when a release is made.', response: { 200: z.object({ data: z.array(ReleaseSummary) }), ...problemResponses } },
  }, async (request, reply) => {
    const list = listReleases(root)
    const etag = `"releases-${list.length}-${list.at(-1)?.tag ?? 'none'}"`
    reply.header('etag', etag).header('cache-control', app.config.cacheControl)
    if (notModified(request, etag)) return send304(reply)
    return { data: list.map((m) => summary(m, base(request))) }
  })

  app.get('/releases/:tag', {
    config: own,
    schema: {
      tags: ['releases'], operationId: 'getRelease', summary: 'A release: version, counts, citation (CSL-JSON and BibTeX) and files with their size and sha256',
      description: 'A release never changes once made, so the answer is cached as immutable. See docs/releases.md.',
      params: TagParams, response: { 200: z.object({ data: Release }), ...problemResponses },
    },
  }, async (request, reply) => {
    const entry = readRelease(root, request.params.tag)
    const since = building.get(request.params.tag)
    if (!entry && since) {
      const err = new NotFoundError('release', request.params.tag)
      err.message = `release "${request.params.tag}" does not exist yet: it is being built since ${since}; try again later`
      throw err
    }
    if (!entry) throw new NotFoundError('release', request.params.tag)
    const etag = `"release-${entry.self.sha256.slice(0, 32)}"`
    reply.header('etag', etag).header('cache-control', IMMUTABLE)
    if (notModified(request, etag)) return send304(reply)
    return { data: await detail(request.params.tag, base(request)) }
  })

  app.get('/releases/:tag/files/*', {
    config: own,
    schema: {
      tags: ['releases'], operationId: 'getReleaseFile', summary: 'A file of a release, byte-identical on every request',
      description: 'The path is a file named in the release\'s `files` (`manifest.json`, `timeline.ndjson`, `csv/events.csv`, `timeline.db`...); its type follows its extension. The ETag is the file\'s sha256, also sent as X-Content-SHA256.',
      params: z.strictObject({ tag: Tag, '*': z.string().min(1).max(200) }),
      response: { 200: z.string().describe('the file'), ...problemResponses },
    },
  }, async (request, reply: FastifyReply) => {
    const { tag, '*': name } = request.params as { tag: string, '*': string }
    const found = releaseFilePath(root, tag, name)
    if (!found) throw new NotFoundError(`file of release ${tag}`, name)
    const etag = `"${found.file.sha256}"`
    reply.header('etag', etag).header('cache-control', IMMUTABLE)
    if (notModified(request, etag)) return send304(reply)
    return reply
      .type(TYPES[name.split('.').pop()!] ?? 'application/octet-stream')
      .header('content-length', found.file.bytes)
      .header('x-content-sha256', found.file.sha256)
      .header('content-disposition', `attachment; filename="timeline-${tag}-${name.replaceAll('/', '-')}"`)
      .send(createReadStream(found.path) as unknown as string)
  })

  app.post('/releases', {
    // Before the body is read: a client without a valid key never gets it parsed.
    onRequest: async (request) => { request.apiKey = app.authorize(request, 'admin') },
    schema: {
      tags: ['releases'], operationId: 'createRelease', summary: 'Freeze the current dataset version under a tag (admin)',
      description: 'Writes the release\'s files (the frozen database, NDJSON, CSV per resource, a data package and a citation) and answers with the release. A tag is never reused: 409 if it exists.', security: [{ bearer: [] }],
      body: z.strictObject({ tag: NewTag }),
      response: {
        201: z.object({ data: Release }),
        202: z.object({ data: z.object({ tag: z.string(), status: z.literal('building'), url: z.string() }) }).describe('the build goes on; the release appears at Location when complete'),
        ...problemResponses,
        401: Problem.describe('no API key, or not a valid one'),
        403: Problem.describe('the key is not an admin\'s'),
        409: Problem.describe('the tag or the dataset version is released already, or a release is being built'),
      },
    },
  }, async (request, reply) => {
    const b = base(request)
    const { tag } = request.body
    const job = buildRelease({ sqlite: app.storage.sqlite, databasePath: app.config.databasePath }, {
      root, tag, baseUrl: b, priority: { nice: app.config.exportWorkerNice, idle: app.config.exportWorkerIdle },
    })
    const done = await Promise.race([job, new Promise<null>((r) => setTimeout(r, WAIT_MS, null).unref())])
    if (!done) {
      // A large dataset takes minutes to export; the client is told where the release will be.
      building.set(tag, new Date().toISOString())
      job.then((m) => request.log.info({ release: m.tag, datasetVersion: m.datasetVersion }, 'release made'), (err: unknown) => request.log.error({ err, release: tag }, 'release failed'))
        .finally(() => building.delete(tag))
      return reply.code(202).header('location', `/v1/releases/${tag}`).header('retry-after', '60')
        .send({ data: { tag, status: 'building', url: `${b}/v1/releases/${tag}` } } as never)
    }
    request.log.info({ release: done.tag, datasetVersion: done.datasetVersion }, 'release made')
    return reply.code(201).header('location', `/v1/releases/${done.tag}`).send({ data: await detail(done.tag, b) })
  })
}

export default routes
