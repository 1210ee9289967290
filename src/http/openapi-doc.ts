/**
 * Turns what @fastify/swagger and the zod transform produce into a document that OpenAPI 3.1
 * tools accept and that says what the server really sends. The route schemas stay the source of
 * every body; the rules here are the ones that hold for every route alike, so they live in one
 * place instead of being repeated in sixty route definitions.
 */

type Json = any

const PROBLEM = { $ref: '#/components/schemas/Problem' }
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: PROBLEM } } })
const TEXT = { type: 'string' }

/** Answers any operation may give, whatever its own schema says. */
const EVERY_OPERATION: Record<string, Json> = {
  429: { ...problem('too many requests from this client; Retry-After says when to come back'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } } },
  500: problem('the server failed; the cause is logged, never sent'),
  503: { ...problem('the server is overloaded or the database not ready; Retry-After says when to come back'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } } },
}
const WITH_BODY: Record<string, Json> = {
  413: problem('the body is larger than the server accepts'),
  415: problem('the body is not application/json'),
}
const NOT_MODIFIED = { description: 'the representation named in If-None-Match is still current' }
const ETAG_HEADER = { ETag: { schema: TEXT, description: 'the dataset version this representation belongs to, for If-None-Match and If-Match' } }
const FILE_ETAG_HEADER = { ETag: { schema: TEXT, description: 'made from the sha256 of the releases, the release or the file: it changes only when they do; for If-None-Match' } }
const LINK_HEADER = { Link: { schema: TEXT, description: 'the next page, as <url>; rel="next", when there is one' } }
const LOCATION_HEADER = { Location: { schema: TEXT, description: 'the URL of the created record' } }
const VERSION_HEADER = { 'X-Dataset-Version': { schema: { type: 'integer' }, description: 'the dataset version the export was read from' } }

/** Bodies other than JSON, by operation: their media types and what they hold. */
const OTHER_BODIES: Record<string, Record<string, Json>> = {
  '/v1/events.geojson': { 'application/geo+json': 'json' },
  // One operation stands for every read route: its bodies are theirs, by the route and Accept.
  '/releases/{tag}/{*}': {
    'application/json': { schema: { description: 'the JSON answer of the route named by the path' } },
    'text/csv': { schema: { ...TEXT, description: 'a list as CSV, for routes that take format=csv or Accept: text/csv' } },
    'application/geo+json': { schema: { type: 'object', description: 'GeoJSON, for v1/events.geojson' } },
    'text/html': { schema: { ...TEXT, description: 'the timeline page, for the path ""' } },
  },
  '/v1/releases/{tag}/files/{*}': {
    'application/json': { schema: { description: 'manifest.json, datapackage.json, citation.json, timeline.json' } },
    'application/x-ndjson': { schema: { ...TEXT, description: 'timeline.ndjson' } },
    'text/csv': { schema: { ...TEXT, description: 'csv/<resource>.csv' } },
    'application/x-bibtex': { schema: { ...TEXT, description: 'citation.bib' } },
    'application/vnd.sqlite3': { schema: { ...TEXT, contentMediaType: 'application/vnd.sqlite3', description: 'timeline.db, the frozen SQLite database' } },
  },
  '/v1/export': {
    'application/x-ndjson': { schema: { ...TEXT, description: 'a meta line, then one {"type", "data"} object per line' } },
    'application/json': { schema: { type: 'object', description: '{ "meta": {...}, "sources": [...], "actors": [...], ... }' } },
    'text/csv': { schema: { ...TEXT, description: 'one resource, RFC 4180 with a header row, UTF-8 with a BOM' } },
  },
}

function walk(node: Json, visit: (node: Json) => void): void {
  if (Array.isArray(node)) { for (const n of node) walk(n, visit); return }
  if (node && typeof node === 'object') { visit(node); for (const v of Object.values(node)) walk(v, visit) }
}

/** JSON Schema 2020-12 forbids a fragment in `$id`; `$schema` is implied by jsonSchemaDialect. */
function stripIds(node: Json): void {
  walk(node, (n) => {
    if (typeof n.$id === 'string') delete n.$id
    if (typeof n.$schema === 'string') delete n.$schema
  })
}

/** Drops the component schemas nothing refers to (the zod transform emits an input twin of each). */
function dropUnused(doc: Json): void {
  const schemas: Record<string, Json> = doc.components?.schemas ?? {}
  const used = new Set<string>()
  const queue: Json[] = [doc.paths]
  while (queue.length) {
    walk(queue.pop(), (n) => {
      const m = typeof n.$ref === 'string' && /^#\/components\/schemas\/(.+)$/.exec(n.$ref)
      if (m && !used.has(m[1]!)) { used.add(m[1]!); queue.push(schemas[m[1]!]) }
    })
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name]
}

function csvOffered(path: string, op: Json): boolean {
  // The manifest describes the CSV export in JSON; its format parameter names the export's.
  if (path === '/v1/export/manifest') return false
  return (op.parameters ?? []).some((p: Json) => p.in === 'query' && p.name === 'format' && JSON.stringify(p.schema).includes('"csv"'))
}

function finishOperation(path: string, method: string, op: Json): void {
  op.security ??= []
  for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
    if (response.description === 'Default Response') response.description = status.startsWith('2') ? 'OK' : 'see the problem details'
    const json = response.content?.['application/json']
    if (Number(status) >= 400 && json) response.content = { 'application/problem+json': json }
  }
  const ok = op.responses?.['200'] ?? op.responses?.['201']
  const other = OTHER_BODIES[path]
  if (ok && other && method === 'get') {
    const json = ok.content?.['application/json']
    ok.content = Object.fromEntries(Object.entries(other).map(([type, body]) => [type, body === 'json' ? json : body]))
  }
  if (ok && csvOffered(path, op)) {
    ok.content = { ...ok.content, 'text/csv': { schema: { ...TEXT, description: 'the same records as CSV: a header row, RFC 4180 quoting, UTF-8 with a BOM' } } }
  }
  const hasQuery = (name: string) => (op.parameters ?? []).some((p: Json) => p.in === 'query' && p.name === name)
  if (ok && hasQuery('cursor')) ok.headers = { ...ok.headers, ...LINK_HEADER }
  if (ok && path === '/v1/export') ok.headers = { ...ok.headers, ...VERSION_HEADER }
  if (op.responses?.['201']) op.responses['201'].headers = { ...op.responses['201'].headers, ...LOCATION_HEADER }
  if (ok && method !== 'get' && method !== 'delete') ok.headers = { ...ok.headers, ...ETAG_HEADER }
  if (ok && method === 'get' && (path.startsWith('/v1/') || path.startsWith('/releases/'))) {
    ok.headers = { ...ok.headers, ...(path.startsWith('/v1/releases') ? FILE_ETAG_HEADER : ETAG_HEADER) }
    op.responses['304'] = NOT_MODIFIED
  }
  // Any write, when the server runs read-only (a replica) or on a release.
  if (method === 'post' || method === 'patch' || method === 'delete') op.responses['405'] ??= problem('the server is read-only (READ_ONLY=true, a replica): send writes to the primary')
  // Every route refuses a query parameter it does not define, so every route can answer 400.
  op.responses['400'] ??= problem('a parameter is not valid or not known; errors names each one')
  if (method === 'post' || method === 'patch') Object.assign(op.responses, WITH_BODY)
  Object.assign(op.responses, EVERY_OPERATION)
  // Validation leaves If-Match optional so that its absence is a 428, not a 400; it is required all the same.
  if (op.responses['428']) {
    for (const p of op.parameters ?? []) if (p.in === 'header' && p.name.toLowerCase() === 'if-match') { p.name = 'If-Match'; p.required = true }
  }
}

/**
 * A route ending in Fastify's wildcard is documented as `{*}`, which no OpenAPI tool accepts as a
 * parameter name: it is called `path` instead (it may hold slashes).
 */
function nameWildcards(doc: Json): void {
  for (const path of Object.keys(doc.paths ?? {})) {
    if (!path.endsWith('/{*}')) continue
    const item = doc.paths[path]
    for (const op of Object.values<Json>(item)) {
      for (const p of op.parameters ?? []) if (p.in === 'path' && p.name === '*') p.name = 'path'
    }
    delete doc.paths[path]
    doc.paths[path.replace(/\{\*\}$/, '{path}')] = item
  }
}

export interface FinishOptions { version: string }

export function finishDocument(doc: Json, options: FinishOptions): Json {
  stripIds(doc)
  doc.info = { ...doc.info, version: options.version }
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Json>(item)) finishOperation(path, method, op)
  }
  nameWildcards(doc)
  dropUnused(doc)
  return doc
}
