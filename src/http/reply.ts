import type { FastifyReply, FastifyRequest } from 'fastify'
import type { JsonPage, Page } from '../db/keyset.ts'
import { toCsv, type CsvColumn } from './csv.ts'

export function wantsCsv(request: FastifyRequest): boolean {
  const format = (request.query as { format?: string } | undefined)?.format
  if (format) return format === 'csv'
  return acceptsCsv(request.headers.accept)
}

const CSV_TYPE = /text\/csv/i

/** Whether an Accept header asks for CSV: it names text/csv, not refused with q=0, and not JSON. */
export function acceptsCsv(header: string | undefined): boolean {
  if (!header || !CSV_TYPE.test(header)) return false
  const accept = header.toLowerCase()
  // The types the client takes, without those it refuses with q=0: JSON named beside CSV wins.
  let csv = false
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';')
    const refused = params.some((p) => /^\s*q\s*=\s*0(?:\.0{0,3})?\s*$/i.test(p))
    const name = type!.trim().toLowerCase()
    if (refused) continue
    if (name === 'application/json') return false
    if (name === 'text/csv') csv = true
  }
  return csv
}

/** A query string of only the characters a URL may carry as they are (RFC 3986), with no `<`, `>` or `"`. */
const PLAIN_QUERY = /^[\w.~!$&'()*+,;=:@/?%-]*$/

/**
 * The URL of the next page: the same request with the cursor moved on. A plain query (every list
 * request a client library makes) has its `cursor` parameter replaced where it stands and the rest
 * kept as sent; any other is rewritten by the WHATWG URL parser, which encodes what a Link header
 * cannot carry. Parsing a URL cost a list of 50 about 4% of its time.
 */
export function nextUrl(request: FastifyRequest, cursor: string): string {
  const raw = request.url
  const mark = raw.indexOf('?')
  const path = mark < 0 ? raw : raw.slice(0, mark)
  const query = mark < 0 ? '' : raw.slice(mark + 1)
  if (!PLAIN_QUERY.test(path) || !PLAIN_QUERY.test(query) || path.includes('?')) {
    const url = new URL(raw, 'http://localhost')
    url.searchParams.set('cursor', cursor)
    return `${request.server.config.linkBase}${url.pathname}${url.search}`
  }
  const pair = `cursor=${encodeURIComponent(cursor)}`
  const params: string[] = []
  let placed = false
  for (const p of query === '' ? [] : query.split('&')) {
    if (p === '') continue
    if (!isCursor(p)) params.push(p)
    else if (!placed) { params.push(pair); placed = true }
  }
  if (!placed) params.push(pair)
  return `${request.server.config.linkBase}${path}?${params.join('&')}`
}

/** Whether a query parameter's name, decoded as a form's, is `cursor`. */
function isCursor(param: string): boolean {
  const eq = param.indexOf('=')
  const name = eq < 0 ? param : param.slice(0, eq)
  if (!name.includes('%') && !name.includes('+')) return name === 'cursor'
  try { return decodeURIComponent(name.replace(/\+/g, ' ')) === 'cursor' } catch { return false }
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
