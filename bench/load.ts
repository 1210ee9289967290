import autocannon from 'autocannon'

/** One kind of request: `base` (any URL, a path prefix included) followed by a path drawn afresh for each request. */
export interface Target { base: string, path: () => string, body?: () => string, rows?: number }
export interface Measured { rps: number, p50: number, p99: number, failed: number }
export interface LoadOptions { connections: number, duration: number, warmup: number }

/**
 * autocannon's `setupClient` hook that keeps its clients from reading the bodies they receive.
 * autocannon appends every body to a string; for a compressed body (binary bytes, so UTF-8
 * decoding's slow path) that alone kept the load generator's core fully busy at 15,000 req/s of a
 * 12 KB brotli answer while the server's core was a quarter idle: the figure measured the load
 * generator. No case here checks bodies in the load (`check` reads one before it), so none is kept;
 * the bytes are still counted.
 */
export function skipBodies(client: autocannon.Client): void {
  // The queue is internal to autocannon (8.x), so its types do not show it.
  (client as unknown as { pipelinedRequests: { addBody: (data: Buffer) => void } }).pipelinedRequests.addBody = () => {}
}

/** parseArgs options shared by the benchmarks that drive autocannon. */
export const loadFlags = {
  connections: { type: 'string', short: 'c', default: '50' },
  duration: { type: 'string', short: 'd', default: '10' },
  warmup: { type: 'string', short: 'w', default: '3' },
} as const

export function parseLoad(v: { connections: string, duration: string, warmup: string }): LoadOptions {
  return { connections: Number(v.connections), duration: Number(v.duration), warmup: Number(v.warmup) }
}

function urlOf(t: Target): URL {
  const base = new URL(t.base)
  return new URL((base.pathname.replace(/\/$/, '') + t.path()) || '/', base)
}

/** The rows of a list, a GraphQL connection or a GraphQL list, whichever the answer holds. */
function rowsOf(json: any): number | undefined {
  const data = json?.data?.events?.nodes ?? json?.data?.events ?? json?.data ?? json
  return Array.isArray(data) ? data.length : undefined
}

/** Sends one request and fails with what came back unless it is a 2xx without GraphQL errors (and with `rows` rows). */
export async function check(t: Target): Promise<void> {
  const url = urlOf(t)
  const send = () => fetch(url, t.body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: t.body() } : {})
  let res = await send()
  // A 503 with Retry-After is the server's queue still draining the case before: wait as it asks, a few times.
  for (let i = 0; i < 5 && res.status === 503 && res.headers.get('retry-after'); i++) {
    await res.arrayBuffer()
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after'))))
    res = await send()
  }
  const text = await res.text()
  const json = (() => { try { return JSON.parse(text) } catch { return undefined } })()
  const rows = rowsOf(json)
  const problem = !res.ok ? `HTTP ${res.status}` : json?.errors ? 'GraphQL errors' : t.rows !== undefined && rows !== t.rows ? `${rows} rows instead of ${t.rows}` : undefined
  if (problem) throw new Error(`${url}: ${problem}: ${text.slice(0, 300)}`)
}

/** Checks the target, loads it for `warmup` seconds (thrown away), then measures it for `duration` seconds. */
export async function measure(t: Target, o: LoadOptions): Promise<Measured> {
  await check(t)
  const request = {
    method: t.body ? 'POST' : 'GET',
    ...(t.body ? { headers: { 'content-type': 'application/json' } } : {}),
    setupRequest: (req: any) => {
      const u = urlOf(t)
      return { ...req, path: u.pathname + u.search, ...(t.body ? { body: t.body() } : {}) }
    },
  } as autocannon.Request
  const run = (duration: number) => autocannon({ url: new URL(t.base).origin, connections: o.connections, duration, requests: [request], setupClient: skipBodies })
  if (o.warmup > 0) await run(o.warmup)
  const r = await run(o.duration)
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.non2xx + r.errors + r.timeouts }
}

/** Prints a markdown table, the first column left-aligned. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  console.log(`| ${header.join(' | ')} |`)
  console.log(`| ${header.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
}

/** req/s with the failures, if any, beside it: a case that failed is not comparable. */
export const rate = (m: Measured) => `${m.rps.toFixed(0)}${m.failed ? ` (${m.failed} failed)` : ''}`
export const ratio = (a: number, b: number) => (b > 0 ? (a / b >= 1 ? (a / b).toFixed(2) : (a / b).toPrecision(2)) : '-')
