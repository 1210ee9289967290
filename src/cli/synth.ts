import { parseArgs } from 'node:util'
import { seedData } from '../../seed/data.ts'
import { seedDatabase } from '../db/seed.ts'
import { synthesise } from '../db/synth.ts'
import { openStorage } from './storage.ts'

const USAGE = `usage: npm run db:synth -- [--events N] [--seed N]
Adds the seed and N synthetic events (default 100000) to the database at DATABASE_PATH, drawn
deterministically from --seed (default 20230919): the same N and seed give the same dataset.`

function fail(message: string): never {
  console.error(`db:synth: ${message}\n${USAGE}`)
  process.exit(2)
}

// Builds a large deterministic dataset for benchmarks: the seed plus N synthetic events.
const { values } = (() => {
  try {
    return parseArgs({ options: { events: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20230919' }, help: { type: 'boolean', short: 'h' } } })
  } catch (err) {
    return fail((err as Error).message)
  }
})()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const events = Number(values.events)
if (!Number.isInteger(events) || events < 1) fail('--events must be a positive whole number')
const seed = Number(values.seed)
if (!Number.isInteger(seed)) fail('--seed must be a whole number')
const { config, storage } = openStorage('db:synth')
try {
  seedDatabase(storage.sqlite, seedData)
  const started = Date.now()
  const report = synthesise(storage.sqlite, {
    events, seed,
    onProgress: (n) => { if (process.stderr.isTTY) process.stderr.write(`\rdb:synth ${n}/${events} events`) },
  })
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.log(JSON.stringify({ database: config.databasePath, seconds: (Date.now() - started) / 1000, ...report }))
} finally {
  storage.close()
}
