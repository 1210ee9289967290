import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSync } from 'esbuild'

// Packages stay outside the bundle and resolve as any module of the project's would.
const CACHE_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../node_modules/.cache/conflict-timeline')

export interface WorkerSource {
  /** File name stem of the bundle, e.g. `stats-worker`. */
  name: string
  /** Folder the module lives in. */
  dir: string
  /** What the bundle's entry exports, e.g. `export { handle as default } from './worker.ts'`. */
  entry: string
  /** The entry that registers the TypeScript loader, for when no bundle can be written. */
  fallback: string
}

const built = new Map<string, string>()

/**
 * A worker thread's module as one ES module, bundled from its TypeScript sources the first time
 * this process needs it. A thread then loads one file: about 40 ms, where registering the
 * TypeScript loader and compiling the modules one by one took 350 ms of CPU and about 25 MB
 * more per thread. The file is named by its contents, so a changed source makes a new one.
 * Nothing bundled may locate files by its own module URL: it runs from the cache folder.
 */
export function bundledWorker(src: WorkerSource): string {
  const known = built.get(src.name)
  if (known) return known
  let entry: string
  try {
    const out = buildSync({
      stdin: { contents: src.entry, resolveDir: src.dir, sourcefile: `${src.name}-entry.ts`, loader: 'ts' },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent',
    })
    const code = out.outputFiles[0]!.text
    const file = join(CACHE_DIR, `${src.name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
    if (!existsSync(file)) {
      mkdirSync(CACHE_DIR, { recursive: true })
      // Written aside and renamed, so a thread never loads half a file.
      const partial = `${file}.${process.pid}.tmp`
      writeFileSync(partial, code)
      renameSync(partial, file)
    }
    entry = pathToFileURL(file).href
  } catch (err) {
    process.emitWarning(`${src.name} threads will compile their TypeScript sources at start: no bundle (${(err as Error).message})`)
    entry = src.fallback
  }
  built.set(src.name, entry)
  return entry
}
