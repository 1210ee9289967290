import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { TooManyExportsError } from '../../errors.ts'
import { DateFilter, Problem, problemResponses } from '../../http/schemas.ts'
import { EventFilterFields } from '../events/schemas.ts'
import { EXPORT_RESOURCES } from './plan.ts'
import { poolExports } from './pool.ts'
import { inlineExports, type ExportRunner } from './runner.ts'
import { EXPORT_FORMATS, resourcesFor, type ExportFormat } from './stream.ts'
import { sharable } from '../stats/pool.ts'
import { readVersion } from '../../db/dataset.ts'

const ExportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).default('ndjson').describe('ndjson (a meta line, then one {type, data} record per line), json (one document) or csv (one resource per file)'),
  resource: z.enum(EXPORT_RESOURCES).optional().describe('only this resource; csv exports one resource per request (default events)'),
  ...EventFilterFields,
  updatedSince: DateFilter.optional().describe('only records created or changed at or after this time'),
})

const busy = Problem.describe('TOO_MANY_EXPORTS: the configured number of exports is already running; retry after Retry-After seconds')

const CONTENT_TYPE = { json: 'application/json; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' }

export const ExportManifest = z.object({
  datasetVersion: z.number().int(),
  datasetUpdatedAt: z.string(),
  format: z.enum(EXPORT_FORMATS),
  filters: z.record(z.string(), z.unknown()),
  resources: z.array(z.enum(EXPORT_RESOURCES)),
  counts: z.record(z.string(), z.number().int()),
  bytes: z.number().int(),
  sha256: z.string().describe('digest of the exact bytes GET /v1/export returns for the same query and dataset version'),
}).meta({ id: 'ExportManifest' })

/**
 * The connection's idle timeout (REQUEST_TIMEOUT_MS) counts time in which nothing is written. An
 * export writes nothing until its worker has counted the records for the meta line, and a manifest
 * nothing until the whole export has been read through: at a million events that took 1 s and
 * 11 s warm, and past 30 s with a cold page cache, so the client was cut off with no answer. For
 * these requests the timeout is lifted: the work ends by itself, a client that stops reading an
 * export is still cut off by its stall watchdog, and Node sets the keep-alive timeout again once the
 * response is done.
 */
const liftIdleTimeout = (request: FastifyRequest) => {
  // An injected request (tests, in-process calls) has a stand-in socket without timers.
  const socket = request.raw.socket as Partial<Socket> | undefined
  socket?.setTimeout?.(0)
}

/**
 * The ETag set when the request came in names the version current then; the export is read from a
 * snapshot opened later, so a write in between made one tag name two different bodies. It names
 * the snapshot's version instead.
 */
function retag(reply: FastifyReply, version: number): FastifyReply {
  const etag = reply.getHeader('etag')
  return typeof etag === 'string' ? reply.header('etag', etag.replace(/^"v\d+-/, `"v${version}-`)) : reply
}

/** The headers an export sends before its body. */
function exportHeaders(reply: FastifyReply, version: number, format: ExportFormat, resources: readonly string[]): FastifyReply {
  const ext = format === 'csv' ? `${resources[0]}.csv` : format
  return retag(reply, version)
    .header('x-dataset-version', String(version))
    .header('content-disposition', `attachment; filename="timeline-v${version}.${ext}"`)
}

/** Seconds a client refused for want of an export slot is told to wait: about one full export. */
export const EXPORT_RETRY_AFTER_S = 10

const routes: FastifyPluginAsyncZod = async (app) => {
  const { databasePath, exportWorkers, exportMaxConcurrent, exportWorkerNice, exportWorkerIdle } = app.config
  const runner: ExportRunner = exportWorkers && sharable(databasePath)
    ? poolExports(resolve(databasePath), { threads: exportMaxConcurrent, nice: exportWorkerNice, idle: exportWorkerIdle })
    : inlineExports(app.storage, databasePath)
  app.addHook('onClose', () => runner.close())

  // Each running export holds a connection, its page cache and chunks in flight, and a client
  // can start as many as it likes: past the cap they are refused rather than queued, so memory
  // stays bounded and nobody waits on a socket for a slot. A slot is free again once the
  // export's snapshot is released.
  let running = 0
  const refuseWhenFull = (reply: FastifyReply) => {
    const max = app.config.exportMaxConcurrent
    if (running >= max) {
      reply.header('retry-after', String(EXPORT_RETRY_AFTER_S))
      throw new TooManyExportsError(`${max} export${max === 1 ? ' is' : 's are'} already running; retry in ${EXPORT_RETRY_AFTER_S} s`)
    }
  }
  const takeSlot = (reply: FastifyReply): (() => void) => {
    refuseWhenFull(reply)
    running++
    let held = true
    return () => { if (held) { held = false; running-- } }
  }

  /**
   * HEAD is answered from the route alone: Fastify would run the GET handler and read the whole
   * export to drop it, holding a slot all the while. It says what a GET would say now: 503 while
   * every slot is taken, else 200 with the headers a GET sends before its body (the version is the
   * current one, the one a GET's snapshot would take). Nothing sent before the body depends on the
   * records, so no count is made; the length is not known without running the export and is left
   * out, as a GET streams without one.
   */
  const head = (reply: FastifyReply, contentType: string) => {
    refuseWhenFull(reply)
    // An empty stream: Fastify then sends no Content-Length, where an empty body would say 0.
    return reply.type(contentType).send(Readable.from([]) as unknown as string)
  }

  app.get('/export', {
    // Its format is the query's alone (NDJSON unless asked): Accept does not choose it.
    config: { csv: 'format' },
    schema: {
      tags: ['export'],
      operationId: 'exportDataset',
      summary: 'Stream the whole dataset or a slice selected by the event filters',
      description: 'A slice holds the matching events and every record they need (actors with their affiliations, places with their parents, '
        + 'figures, statements, citations and the sources cited). Records are ordered by their keys (ids; citations by the record they cite, then id), so two exports of one dataset version are '
        + 'byte-identical; `X-Dataset-Version` names the version and GET /v1/export/manifest gives the counts and sha256 of the same bytes.',
      querystring: ExportQuery,
      response: { 200: z.string().describe('the export, streamed'), ...problemResponses, 503: busy },
    },
  }, async (request, reply) => {
    const { format, resource, ...filters } = request.query
    if (request.method === 'HEAD') {
      const version = readVersion(app.storage.sqlite).version
      exportHeaders(reply, version, format, resourcesFor(format, resource))
      return head(reply, CONTENT_TYPE[format])
    }
    liftIdleTimeout(request)
    let pulled = Date.now()
    const { meta, body } = await runner.open({ format, filters, resources: resourcesFor(format, resource) }, {
      onPull: () => { pulled = Date.now() },
      onReleased: takeSlot(reply),
    })
    // A client that stops reading would keep its slot for good, and two such clients would shut
    // every export out: one that takes no chunk for the request timeout is cut off.
    const stallMs = app.config.requestTimeoutMs
    const watchdog = stallMs > 0 ? setInterval(() => {
      if (Date.now() - pulled > stallMs) body.destroy(new Error(`export stalled: the client read nothing for ${stallMs} ms`))
    }, Math.min(1000, stallMs)).unref() : undefined
    body.once('close', () => clearInterval(watchdog))
    return exportHeaders(reply, meta.datasetVersion, format, meta.resources)
      .type(CONTENT_TYPE[format])
      // The zod type provider types the body by the documented schema; a stream is sent as is.
      .send(body as unknown as string)
  })

  app.get('/export/manifest', {
    // Always JSON, whatever export it describes.
    config: { csv: false },
    schema: {
      tags: ['export'],
      operationId: 'getExportManifest', description: 'Takes the query of GET /v1/export and describes exactly the bytes it returns, so a download can be checked.',
      summary: 'Version, record counts, size and sha256 of the export the same query returns',
      querystring: ExportQuery,
      response: { 200: z.object({ data: ExportManifest }), ...problemResponses, 503: busy },
    },
  }, async (request, reply) => {
    const { format, resource, ...filters } = request.query
    if (request.method === 'HEAD') return head(reply, 'application/json; charset=utf-8')
    const free = takeSlot(reply)
    liftIdleTimeout(request)
    try {
      const { meta, ...digest } = await runner.digest({ format, filters, resources: resourcesFor(format, resource) })
      retag(reply, meta.datasetVersion)
      return { data: { ...meta, filters: { ...meta.filters }, counts: meta.counts as Record<string, number>, ...digest } }
    } finally {
      free()
    }
  })
}

export default routes
