import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'

const HERE = dirname(fileURLToPath(import.meta.url))
// Packages stay outside the bundle and resolve as any module of the project's would.
const CACHE_DIR = resolve(HERE, '../../../node_modules/.cache/conflict-timeline')
/** The entry that registers the TypeScript loader, for when no bundle can be written. */
const TS_ENTRY = new URL('./worker.mjs', import.meta.url).href

let entry: string | undefined

/**
 * The stats worker as one ES module, bundled from its TypeScript sources the first time this
 * process starts a pool. A thread then loads one file: about 40 ms, where registering the
 * TypeScript loader and compiling the query modules one by one took 350 ms of CPU and about 25 MB
 * more per thread. The file is named by its contents, so a changed source makes a new one.
 * Nothing bundled may locate files by its own module URL: it runs from the cache folder.
 */
export function workerEntry(): string {
  if (entry) return entry
  try {
    const built = buildSync({
      stdin: { contents: `export { handle as default } from './worker.ts'`, resolveDir: HERE, sourcefile: 'stats-worker-entry.ts', loader: 'ts' },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent',
    })
    const code = built.outputFiles[0]!.text
    const file = join(CACHE_DIR, `stats-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
    if (!existsSync(file)) {
      mkdirSync(CACHE_DIR, { recursive: true })
      // Written aside and renamed, so a thread never loads half a file.
      const partial = `${file}.${process.pid}.tmp`
      writeFileSync(partial, code)
      renameSync(partial, file)
    }
    entry = pathToFileURL(file).href
  } catch (err) {
    process.emitWarning(`stats workers will compile their TypeScript sources at start: no bundle (${(err as Error).message})`)
    entry = TS_ENTRY
  }
  return entry
}
