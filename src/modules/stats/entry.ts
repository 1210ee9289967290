import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundledWorker } from '../../workers/bundle.ts'

/** The stats worker as one bundled ES module (see bundledWorker). */
export const workerEntry = (): string => bundledWorker({
  name: 'stats-worker',
  dir: dirname(fileURLToPath(import.meta.url)),
  entry: `export { handle as default } from './worker.ts'`,
  fallback: new URL('./worker.mjs', import.meta.url).href,
})
