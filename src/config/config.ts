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
  GRAPHIQL: bool.default(true),
  SEED_ON_START: bool.default(true),
})

export type Config = Readonly<{
  port: number
  host: string
  databasePath: string
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL']
  corsOrigins: readonly string[]
  graphqlMaxDepth: number
  graphiql: boolean
  seedOnStart: boolean
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
    graphiql: e.GRAPHIQL,
    seedOnStart: e.SEED_ON_START,
    ...overrides,
  })
}
