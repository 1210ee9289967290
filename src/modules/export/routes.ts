import { Readable } from 'node:stream'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DateFilter, problemResponses } from '../../http/schemas.ts'
import { EventFilterFields } from '../events/schemas.ts'
import { EXPORT_RESOURCES } from './plan.ts'
import { EXPORT_FORMATS, exportChunks, exportDigest, exportMeta, openSnapshot, resourcesFor } from './stream.ts'

const ExportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).default('ndjson').describe('ndjson (a meta line, then one {type, data} record per line), json (one document) or csv (one resource per file)'),
  resource: z.enum(EXPORT_RESOURCES).optional().describe('only this resource; csv exports one resource per request (default events)'),
  ...EventFilterFields,
  updatedSince: DateFilter.optional().describe('only records created or changed at or after this time'),
})

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

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/export', {
    schema: {
      tags: ['export'],
      operationId: 'exportDataset',
      summary: 'Stream the whole dataset or a slice selected by the event filters',
      description: 'A slice holds the matching events and every record they need (actors with their affiliations, places with their parents, '
        + 'figures, statements, citations and the sources cited). Records are ordered by id, so two exports of one dataset version are '
        + 'byte-identical; `X-Dataset-Version` names the version and GET /v1/export/manifest gives the counts and sha256 of the same bytes.',
      querystring: ExportQuery,
      response: { 200: z.string().describe('the export, streamed'), ...problemResponses },
    },
  }, async (request, reply) => {
    const { format, resource, ...filters } = request.query
    const snapshot = openSnapshot(app.storage, app.config.databasePath)
    let meta
    try {
      meta = exportMeta(snapshot.sqlite, format, filters, resourcesFor(format, resource))
    } catch (err) {
      snapshot.release()
      throw err
    }
    const body = Readable.from(exportChunks(snapshot, meta), { objectMode: false })
    // Released on the last chunk and on a client that goes away mid-export alike.
    body.once('close', () => snapshot.release())
    const ext = format === 'csv' ? `${meta.resources[0]}.csv` : format
    return reply
      .type(CONTENT_TYPE[format])
      .header('x-dataset-version', String(meta.datasetVersion))
      .header('content-disposition', `attachment; filename="timeline-v${meta.datasetVersion}.${ext}"`)
      // The zod type provider types the body by the documented schema; a stream is sent as is.
      .send(body as unknown as string)
  })

  app.get('/export/manifest', {
    schema: {
      tags: ['export'],
      operationId: 'getExportManifest', description: 'Takes the query of GET /v1/export and describes exactly the bytes it returns, so a download can be checked.',
      summary: 'Version, record counts, size and sha256 of the export the same query returns',
      querystring: ExportQuery,
      response: { 200: z.object({ data: ExportManifest }), ...problemResponses },
    },
  }, async (request) => {
    const { format, resource, ...filters } = request.query
    const snapshot = openSnapshot(app.storage, app.config.databasePath)
    try {
      const meta = exportMeta(snapshot.sqlite, format, filters, resourcesFor(format, resource))
      const digest = await exportDigest(snapshot, meta)
      return { data: { ...meta, filters: { ...meta.filters }, counts: meta.counts as Record<string, number>, ...digest } }
    } finally {
      snapshot.release()
    }
  })
}

export default routes
