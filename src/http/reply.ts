import type { FastifyReply, FastifyRequest } from 'fastify'
import type { JsonPage, Page } from '../db/keyset.ts'
import { toCsv, type CsvColumn } from './csv.ts'

export function wantsCsv(request: FastifyRequest): boolean {
  const format = (request.query as { format?: string } | undefined)?.format
  if (format) return format === 'csv'
  const accept = request.headers.accept ?? ''
  return accept.includes('text/csv') && !accept.includes('application/json')
}

/** The URL of the next page: the same request with the cursor moved on. */
export function nextUrl(request: FastifyRequest, cursor: string): string {
  const url = new URL(request.url, 'http://localhost')
  url.searchParams.set('cursor', cursor)
  return `${request.server.config.linkBase}${url.pathname}${url.search}`
}

export interface ListOptions<T> {
  page: Page<T>
  limit: number
  sort?: string
  /** The columns, or a function giving them for a page (when they need names looked up for its rows). */
  csv: readonly CsvColumn<T>[] | ((rows: readonly T[]) => readonly CsvColumn<T>[])
  filename: string
}

/** Sends a list page as JSON `{ data, page, meta }` or as CSV, with `Link: rel="next"` either way. */
export function sendList<T>(request: FastifyRequest, reply: FastifyReply, o: ListOptions<T>) {
  if (o.page.nextCursor) reply.header('link', `<${nextUrl(request, o.page.nextCursor)}>; rel="next"`)
  if (wantsCsv(request)) return sendCsv(reply, o.page.rows, typeof o.csv === 'function' ? o.csv(o.page.rows) : o.csv, o.filename)
  return {
    data: o.page.rows,
    page: { nextCursor: o.page.nextCursor, limit: o.limit },
    meta: { datasetVersion: request.datasetVersion, count: o.page.rows.length, ...(o.sort ? { sort: o.sort } : {}) },
  }
}

/**
 * A JSON list page whose rows are JSON text already (written by SQLite): the body is put together
 * around them with the fields in the order the response schema gives, so it reads as sendList's
 * would, without making and serialising an object per row.
 */
export function sendJsonPage(request: FastifyRequest, reply: FastifyReply, o: { page: JsonPage, limit: number, sort?: string, meta?: object | undefined }) {
  if (o.page.nextCursor) reply.header('link', `<${nextUrl(request, o.page.nextCursor)}>; rel="next"`)
  const page = JSON.stringify({ nextCursor: o.page.nextCursor, limit: o.limit })
  const meta = JSON.stringify({ datasetVersion: request.datasetVersion, count: o.page.count, ...(o.sort ? { sort: o.sort } : {}), ...o.meta })
  return sendJsonText(reply, `{"data":[${o.page.json}],"page":${page},"meta":${meta}}`)
}

/** Sends JSON already written as text: Fastify passes a string with a JSON type through unserialised. */
export function sendJsonText(reply: FastifyReply, text: string) {
  return reply.type('application/json; charset=utf-8').send(text)
}

export function sendCsv<T>(reply: FastifyReply, rows: readonly T[], columns: readonly CsvColumn<T>[], filename: string) {
  return sendCsvText(reply, toCsv(rows, columns), filename)
}

/** Sends CSV already written (by a worker that read the page), with the headers sendCsv gives. */
export function sendCsvText(reply: FastifyReply, csv: string, filename: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `inline; filename="${filename}.csv"`)
    .send(csv)
}
