import mercurius from 'mercurius'
import { LRUCache } from 'lru-cache'

/**
 * Automatic persisted queries (the Apollo protocol Mercurius implements): a client sends the
 * sha256 of its query, and the query itself only when the server answers PERSISTED_QUERY_NOT_FOUND.
 * With the hash in the URL, `GET /graphql?extensions=...` is a short, cacheable request.
 * Mercurius's own cache bounds the number of queries, not their size; this one bounds both, so
 * hostile clients registering large queries cannot grow memory past `maxBytes`.
 */
export function persistedQueries(maxBytes = 4 * 1024 * 1024, maxQueries = 10_000) {
  // Detection and hashing come from Mercurius; only storage is replaced.
  const protocol = mercurius.persistedQueryDefaults.automatic(1)
  const cache = new LRUCache<string, string>({ max: maxQueries, maxSize: maxBytes, sizeCalculation: (query, hash) => 2 * (query.length + hash.length) })
  return {
    ...protocol,
    getQueryFromHash: async (hash: string) => (typeof hash === 'string' ? cache.get(hash) : undefined),
    saveQuery: async (hash: string, query: string) => { cache.set(hash, query) },
    cache,
  }
}

/** Mercurius's transport refusals, as the codes clients check (Apollo's for persisted queries). */
export const TRANSPORT_CODES: Record<string, string> = {
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  MER_ERR_GQL_PERSISTED_QUERY_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  MER_ERR_METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
}
