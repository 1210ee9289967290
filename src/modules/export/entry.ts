import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundledWorker } from '../../workers/bundle.ts'

/** The export worker as one bundled ES module (see bundledWorker). */
export const exportWorkerEntry = (): string => bundledWorker({
  name: 'export-worker',
  dir: dirname(fileURLToPath(import.meta.url)),
  entry: `export { default } from './worker.ts'`,
  fallback: new URL('./worker.mjs', import.meta.url).href,
})
