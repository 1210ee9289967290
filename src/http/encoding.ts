import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

/** The content codings the API sends, in the order it prefers them when a client takes several. */
export const CODINGS = ['br', 'gzip'] as const
export type Coding = (typeof CODINGS)[number]

/** Bodies smaller than this go out as they are: the saving would not pay for the work. */
export const MIN_COMPRESSED_BYTES = 1024

const WEIGHT = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

/**
 * The coding an Accept-Encoding header prefers among CODINGS (RFC 9110, 12.5.3): each coding
 * weighs what the header gives it by name, else what it gives `*`, else nothing; `q=0` refuses it.
 * The heaviest is taken, ties going to the order of CODINGS. Names are case-insensitive (8.4.1);
 * an element whose weight cannot be read is left out.
 */
function preferred(header: string): Coding | null {
  const named = new Map<string, number>()
  for (const element of header.split(',')) {
    const [name, ...params] = element.split(';').map((x) => x.trim().toLowerCase())
    if (!name) continue
    let q = 1
    const weight = params.find((p) => p.startsWith('q='))
    if (weight !== undefined) {
      const m = WEIGHT.exec(weight.replace(/\s+/g, ''))
      if (!m) continue
      q = Number(m[1])
    }
    if (!named.has(name)) named.set(name, q)
  }
  let best: Coding | null = null, bestQ = 0
  for (const coding of CODINGS) {
    const q = named.get(coding) ?? named.get('*') ?? 0
    if (q > bestQ) { best = coding; bestQ = q }
  }
  return best
}

/**
 * Answers for the Accept-Encoding values seen most: clients send one of a few fixed strings, and
 * parsing one takes the negotiator several regular expressions, a fair share of a cache hit.
 * Bounded by count and by the length of what it keeps.
 */
const negotiated = new Map<string, Coding | null>()
const NEGOTIATED_MAX = 64
const NEGOTIATED_KEY_MAX = 200

/** The coding to answer an Accept-Encoding header with, or null for the body as it is. */
export function codingFor(acceptEncoding: string | string[] | undefined): Coding | null {
  if (typeof acceptEncoding !== 'string') return null
  const known = negotiated.get(acceptEncoding)
  if (known !== undefined) return known
  const coding = preferred(acceptEncoding)
  if (acceptEncoding.length <= NEGOTIATED_KEY_MAX) {
    if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear()
    negotiated.set(acceptEncoding, coding)
  }
  return coding
}

/** Text worth compressing; images, archives and streams are not. */
export const COMPRESSIBLE_TYPE = /^(application\/(json|problem\+json|geo\+json|ld\+json|x-ndjson|yaml|javascript)|text\/|image\/svg\+xml)/

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

/**
 * The body in `coding`, compressed on libuv's thread pool so the event loop goes on meanwhile
 * (gzip takes about a millisecond for 130 KB of JSON). Brotli at quality 5 and gzip at level 6
 * both shrink the API's JSON about ninefold; brotli's higher levels cost a hundred times more.
 */
export function compress(coding: Coding, body: string | Buffer): Promise<Buffer> {
  return coding === 'br'
    ? brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(body) } })
    : gzipAsync(body, { level: 6 })
}

/**
 * The strong ETag of a coded body: a different representation of the same version, so a
 * different tag (`"v12-json"` becomes `"v12-json-br"`). If-Match and If-None-Match accept either.
 */
export const codedTag = (etag: string, coding: Coding) => `${etag.slice(0, -1)}-${coding}"`

/** The tag a coded body's ETag was made from. */
export const uncodedTag = (etag: string) => etag.replace(/-(br|gzip)"$/, '"')
