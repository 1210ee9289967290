import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const commaList = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/timeline.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: commaList.default(['*']),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).max(50).default(8),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(15),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(50000),
  GRAPHQL_MAX_NODES: z.coerce.number().int().min(1).default(20000),
  GRAPHQL_MAX_QUERY_BYTES: z.coerce.number().int().min(256).default(16_384),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(16).default(2000),
  GRAPHQL_MAX_DEFINITIONS: z.coerce.number().int().min(1).default(20),
  GRAPHQL_MAX_VARIABLES_BYTES: z.coerce.number().int().min(256).default(65_536),
  GRAPHQL_QUERY_CACHE_BYTES: z.coerce.number().int().min(0).default(64 * 1024 * 1024),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).default(2000),
  WRITE_LOCK_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(64 * 1024 * 1024),
  EXPORT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(64).default(2),
  EXPORT_WORKERS: bool.default(true),
  EXPORT_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(19),
  EXPORT_WORKER_IDLE: bool.default(true),
  GRAPHQL_COMPILED_SERIALIZER: bool.default(true),
  STATS_WORKERS: z.coerce.number().int().min(0).max(16).default(2),
  STATS_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000).default(32),
  STATS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(400).default(50),
  GRAPHIQL: bool.default(true),
  SEED_ON_START: bool.default(true),
  RELEASES_PATH: z.string().min(1).default('./data/releases'),
  PUBLIC_URL: z.url().optional(),
  CACHE_CONTROL: z.string().min(1).default('public, max-age=60'),
  COMPRESSION: bool.default(true),
  COUNT_STATEMENTS: bool.default(false),
  READ_ONLY: bool.default(false),
  PRIMARY_URL: z.url().optional(),
  REPLICA_POLL_MS: z.coerce.number().int().min(100).default(5000),
})

export type Config = Readonly<{
  port: number
  host: string
  databasePath: string
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL']
  corsOrigins: readonly string[]
  graphqlMaxDepth: number
  graphqlMaxAliases: number
  graphqlMaxCost: number
  graphqlMaxNodes: number
  /** Checked on the text before Mercurius parses, validates or caches it. */
  graphqlMaxQueryBytes: number
  graphqlMaxTokens: number
  /** Operations and fragments in one document. */
  graphqlMaxDefinitions: number
  graphqlMaxVariablesBytes: number
  /** Budget of Mercurius's cache of parsed and compiled documents; 0 turns it off. */
  graphqlQueryCacheBytes: number
  /** Requests per client per window; 0 turns rate limiting off. */
  rateLimitMax: number
  rateLimitWindowMs: number
  bodyLimitBytes: number
  requestTimeoutMs: number
  /** Event-loop delay past which the server answers 503; 0 turns the check off. */
  maxEventLoopDelayMs: number
  /** Entries of the response cache; 0 turns it off. */
  cacheMaxEntries: number
  /** How long a write waits, without blocking reads, while another process holds the write lock. */
  writeLockWaitMs: number
  /** Bytes the response cache may hold, keys and headers included. */
  cacheMaxBytes: number
  /** Exports (and export manifests) computed at once; more are answered 503 with Retry-After. */
  exportMaxConcurrent: number
  /** Read and format exports on worker threads (one per export slot); false keeps them on the event loop. */
  exportWorkers: boolean
  /** Nice value of the export threads on Linux, so that they yield a shared core to the event loop; 0 leaves them. */
  exportWorkerNice: number
  /** Export threads in Linux's SCHED_IDLE class (through chrt), so a request arriving takes their core at once. */
  exportWorkerIdle: boolean
  /** GraphQL answers written by a serializer made for their query's shape (src/graphql/serializer.ts), not JSON.stringify. */
  graphqlCompiledSerializer: boolean
  /** Worker threads that run stats, facets and summaries on read-only connections; 0 runs them on the event loop. */
  statsWorkers: number
  /** Stats tasks waiting for a worker; past it a request is answered 503 STATS_BUSY with Retry-After. */
  statsQueueMax: number
  /**
   * How far past what is live each heap may grow before a full collection (V8's
   * --heap-growing-percent); 0 leaves V8's own factor, up to four times the live size.
   */
  heapGrowthPercent: number
  /** Time a stats task may take, waiting included; past it the worker is stopped and the answer is 503 STATS_TIMEOUT. */
  statsTimeoutMs: number
  graphiql: boolean
  seedOnStart: boolean
  /** Folder holding one sub-folder per release. */
  releasesPath: string
  /** Base URL written into release citations and file links; the request's host when unset. */
  publicUrl: string | undefined
  /** Cache-Control of cacheable reads; behind an HTTP cache add s-maxage and stale-while-revalidate. */
  cacheControl: string
  /** Text of a kilobyte or more is sent with brotli or gzip to clients that take them. */
  compression: boolean
  /** Count the SQL statements the serving connection runs (tests, the bench); it costs each statement's text. */
  countStatements: boolean
  /** Serve the database file read-only and refuse every write. */
  readOnly: boolean
  /** Draw the page at / and compile every response serialiser at start-up; off for release apps opened while serving, which do both on first use. */
  warmUp: boolean
  /** Path the links this app writes start with: `/releases/{tag}` for a release's app, so its readers stay on it; empty otherwise. */
  linkBase: string
  /** Where writes go, named in the error a read-only server gives; a replica also polls its releases. */
  primaryUrl: string | undefined
  replicaPollMs: number
}>

export class ConfigError extends Error {}

/** Parses the environment once; a bad value fails start-up with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = ConfigSchema.safeParse(env)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`)
  }
  const e = parsed.data
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    logLevel: e.LOG_LEVEL,
    corsOrigins: Object.freeze(e.CORS_ORIGINS),
    graphqlMaxDepth: e.GRAPHQL_MAX_DEPTH,
    graphqlMaxAliases: e.GRAPHQL_MAX_ALIASES,
    graphqlMaxCost: e.GRAPHQL_MAX_COST,
    graphqlMaxNodes: e.GRAPHQL_MAX_NODES,
    graphqlMaxQueryBytes: e.GRAPHQL_MAX_QUERY_BYTES,
    graphqlMaxTokens: e.GRAPHQL_MAX_TOKENS,
    graphqlMaxDefinitions: e.GRAPHQL_MAX_DEFINITIONS,
    graphqlMaxVariablesBytes: e.GRAPHQL_MAX_VARIABLES_BYTES,
    graphqlQueryCacheBytes: e.GRAPHQL_QUERY_CACHE_BYTES,
    rateLimitMax: e.RATE_LIMIT_MAX,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    cacheMaxEntries: e.CACHE_MAX_ENTRIES,
    cacheMaxBytes: e.CACHE_MAX_BYTES,
    writeLockWaitMs: e.WRITE_LOCK_WAIT_MS,
    exportMaxConcurrent: e.EXPORT_MAX_CONCURRENT,
    exportWorkers: e.EXPORT_WORKERS,
    exportWorkerNice: e.EXPORT_WORKER_NICE,
    exportWorkerIdle: e.EXPORT_WORKER_IDLE,
    graphqlCompiledSerializer: e.GRAPHQL_COMPILED_SERIALIZER,
    statsWorkers: e.STATS_WORKERS,
    statsQueueMax: e.STATS_QUEUE_MAX,
    statsTimeoutMs: e.STATS_TIMEOUT_MS,
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    graphiql: e.GRAPHIQL,
    seedOnStart: e.SEED_ON_START,
    releasesPath: e.RELEASES_PATH,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    cacheControl: e.CACHE_CONTROL,
    compression: e.COMPRESSION,
    countStatements: e.COUNT_STATEMENTS,
    readOnly: e.READ_ONLY,
    warmUp: true,
    linkBase: '',
    primaryUrl: e.PRIMARY_URL?.replace(/\/+$/, ''),
    replicaPollMs: e.REPLICA_POLL_MS,
    ...overrides,
  })
}
