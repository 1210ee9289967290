import { parseArgs } from 'node:util'
import { seedData } from '../../seed/data.ts'
import { seedDatabase } from '../db/seed.ts'
import { synthesise } from '../db/synth.ts'
import { openStorage } from './storage.ts'

// Builds a large deterministic dataset for benchmarks: the seed plus N synthetic events.
const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20230919' } } })
const events = Number(values.events)
if (!Number.isInteger(events) || events < 1) {
  console.error('db:synth: --events must be a positive whole number')
  process.exit(2)
}
const { config, storage } = openStorage('db:synth')
try {
  seedDatabase(storage.sqlite, seedData)
  const started = Date.now()
  const report = synthesise(storage.sqlite, {
    events, seed: Number(values.seed),
    onProgress: (n) => { if (process.stderr.isTTY) process.stderr.write(`\rdb:synth ${n}/${events} events`) },
  })
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.log(JSON.stringify({ database: config.databasePath, seconds: (Date.now() - started) / 1000, ...report }))
} finally {
  storage.close()
}
