import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/config.ts'
import { openDatabase } from '../db/client.ts'
import { buildRelease } from '../modules/releases/build.ts'
import { NewTag, releaseDir } from '../modules/releases/store.ts'

const USAGE = `usage: npm run release -- --tag 2026.1
Freezes the current dataset version of DATABASE_PATH into RELEASES_PATH/<tag>/: the SQLite file,
the exports in every format, datapackage.json, citations and manifest.json.`

function fail(message: string, code = 2): never {
  console.error(code === 2 ? `release: ${message}\n${USAGE}` : `release: ${message}`)
  process.exit(code)
}

let tag: string
try {
  const { values } = parseArgs({ options: { tag: { type: 'string' } } })
  const parsed = NewTag.safeParse(values.tag)
  if (!parsed.success) fail(values.tag === undefined ? '--tag is required' : `--tag: ${parsed.error.issues[0]!.message}`)
  tag = parsed.data
} catch (err) {
  fail((err as Error).message)
}

const config = loadConfig()
if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) fail(`no database at ${config.databasePath}; run npm start or npm run db:seed first`)
const storage = openDatabase(config.databasePath)
try {
  const manifest = await buildRelease(
    { sqlite: storage.sqlite, databasePath: config.databasePath },
    { root: config.releasesPath, tag, baseUrl: config.publicUrl ?? `http://${config.host}:${config.port}` },
  )
  console.log(JSON.stringify({ folder: releaseDir(config.releasesPath, tag), ...manifest }))
} catch (err) {
  const e = err as { code?: string, message: string }
  fail(`${e.code ? `${e.code}: ` : ''}${e.message}`, 1)
} finally {
  storage.close()
}
