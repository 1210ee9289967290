import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { synthesise } from '../../src/db/synth.ts'
import { WorkerBody } from '../../src/modules/export/body.ts'
import { exportWorkerEntry } from '../../src/modules/export/entry.ts'
import { poolExports, WINDOW_BYTES } from '../../src/modules/export/pool.ts'
import { inlineExports, type ExportRequest } from '../../src/modules/export/runner.ts'
import { openSnapshotCount, resourcesFor } from '../../src/modules/export/stream.ts'
import { buildTestApp, tempDir } from '../helper.ts'

const HOSTILE = 'quote " backslash \\ nl \n cr \r\n tab \t \u0001 ls \u2028 é 中文 😀 =SUM(A1) </script>'

/** One database file served twice: exports on worker threads, and on the event loop. */
async function fileApps(events = 1500) {
  const path = join(tempDir(), 'export.db')
  const workers = await buildTestApp({ databasePath: path, exportWorkers: true, exportWorkerNice: 10 })
  synthesise(workers.storage.sqlite, { events })
  const db = workers.storage.sqlite
  db.prepare('UPDATE events SET title = ?, summary = ? WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 3)').run(HOSTILE, `${HOSTILE}\u0000end`)
  db.prepare('UPDATE citations SET quote = ? WHERE id IN (SELECT id FROM citations ORDER BY id LIMIT 5)').run(HOSTILE)
  db.prepare(`UPDATE actors SET name = ? WHERE id = (SELECT min(id) FROM actors)`).run(HOSTILE)
  const inline = await buildTestApp({ databasePath: path, exportWorkers: false, seedOnStart: false })
  return { path, workers, inline }
}

async function drain(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of body) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string))
  return Buffer.concat(parts)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const QUERIES = [
  'format=ndjson', 'format=json', 'format=csv', 'format=csv&resource=citations', 'format=csv&resource=actors',
  'format=ndjson&type=offensive,displacement', 'format=json&from=2023-09-19&to=2023-09-30',
  'format=ndjson&resource=places', 'format=ndjson&updatedSince=2000-01-01', 'format=json&updatedSince=2999-01-01',
  'format=csv&resource=events&q=ceasefire',
]

describe('exports on worker threads', () => {
  it('send the bytes, headers and manifests the event loop sends, for every format and filter', async () => {
    const { workers, inline } = await fileApps()
    for (const q of QUERIES) {
      const [a, b] = await Promise.all([workers, inline].map((app) => app.inject({ method: 'GET', url: `/v1/export?${q}` })))
      expect(a!.statusCode, q).toBe(200)
      expect(a!.rawPayload.length, q).toBeGreaterThan(100)
      expect(a!.rawPayload.equals(b!.rawPayload), q).toBe(true)
      for (const h of ['content-type', 'x-dataset-version', 'content-disposition', 'etag', 'cache-control']) expect(a!.headers[h], `${q} ${h}`).toEqual(b!.headers[h])
      const [ma, mb] = await Promise.all([workers, inline].map((app) => app.inject({ method: 'GET', url: `/v1/export/manifest?${q}` })))
      expect(ma!.json(), q).toEqual(mb!.json())
      expect(ma!.json().data.sha256, q).toBe(createHash('sha256').update(a!.rawPayload).digest('hex'))
    }
    // Errors keep their status and code, those found by a worker included (a search with no word).
    for (const [q, code] of [['format=xml', 'VALIDATION_FAILED'], ['q=*', 'INVALID_PARAMETER']]) {
      const [a, b] = await Promise.all([workers, inline].map((app) => app.inject({ method: 'GET', url: `/v1/export?${q}` })))
      expect(a!.statusCode, q).toBe(400)
      expect(a!.json().code, q).toBe(code)
      expect(a!.json()).toEqual(b!.json())
    }
  }, 60_000)

  it('run ahead of a reader that stops by no more than the window, and go on when it reads again', async () => {
    const { path, inline } = await fileApps(4000)
    const runner = poolExports(path, { threads: 1, nice: 0 })
    const request: ExportRequest = { format: 'ndjson', filters: {}, resources: resourcesFor('ndjson', undefined) }
    let released = 0
    try {
      const { body } = await runner.open(request, { onPull: () => {}, onReleased: () => { released++ } })
      expect(body).toBeInstanceOf(WorkerBody)
      await sleep(400)
      const waiting = (body as WorkerBody).waitingBytes
      // The window, plus the chunk that crossed it (64 KiB and at most a page of records).
      expect(waiting).toBeGreaterThan(0)
      expect(waiting).toBeLessThan(WINDOW_BYTES + 512 * 1024)
      const bytes = await drain(body)
      expect(bytes.length).toBeGreaterThan(4 * WINDOW_BYTES)
      const reference = await inline.inject({ method: 'GET', url: '/v1/export?format=ndjson' })
      expect(bytes.equals(reference.rawPayload)).toBe(true)
      for (let i = 0; i < 50 && released === 0; i++) await sleep(20)
      expect(released).toBe(1)
    } finally {
      await runner.close()
    }
  }, 60_000)

  it('stop and release the snapshot when the reader goes away mid-export', async () => {
    const { path } = await fileApps(4000)
    const runner = poolExports(path, { threads: 1, nice: 0 })
    const request: ExportRequest = { format: 'json', filters: {}, resources: resourcesFor('json', undefined) }
    const before = openSnapshotCount()
    let released = 0
    try {
      const { body } = await runner.open(request, { onPull: () => {}, onReleased: () => { released++ } })
      expect(openSnapshotCount()).toBe(before + 1)
      await new Promise((resolve) => body.once('data', resolve))
      body.destroy()
      for (let i = 0; i < 100 && released === 0; i++) await sleep(10)
      expect(released).toBe(1)
      expect(openSnapshotCount()).toBe(before)
      // The same thread takes the next export at once.
      const again = await runner.digest({ format: 'csv', filters: {}, resources: ['sources'] })
      expect(again.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(released).toBe(1)
    } finally {
      await runner.close()
    }
  }, 60_000)

  it('fail a database they cannot open with its error, and release the slot', async () => {
    const dir = tempDir()
    const runner = poolExports(join(dir, 'missing.db'), { threads: 1, nice: 0 })
    let released = 0
    try {
      const opened = runner.open({ format: 'ndjson', filters: {}, resources: ['sources'] }, { onPull: () => {}, onReleased: () => { released++ } })
      await expect(opened).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' })
      await expect(runner.digest({ format: 'ndjson', filters: {}, resources: ['sources'] })).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' })
      for (let i = 0; i < 50 && released === 0; i++) await sleep(20)
      expect(released).toBe(1)
    } finally {
      await runner.close()
    }
  }, 30_000)

  it.runIf(process.platform === 'linux')('lower the priority of their own thread only', async () => {
    const { workers } = await fileApps(200)
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])
    // The suite may itself run under nice: the export thread goes to 10 and the rest stays as it was.
    const base = niceOf(String(process.pid))
    const res = await workers.inject({ method: 'GET', url: '/v1/export?format=ndjson' })
    expect(res.statusCode).toBe(200)
    const nices = readdirSync('/proc/self/task').map(niceOf)
    expect(nices).toContain(Math.max(base, 10))
    expect(niceOf(String(process.pid))).toBe(base)
  }, 30_000)

  const hasChrt = (() => { try { execFileSync('chrt', ['--help'], { stdio: 'ignore' }); return true } catch { return false } })()

  it.runIf(process.platform === 'linux' && hasChrt)('put their own thread in SCHED_IDLE when asked, and send the same bytes', async () => {
    const path = join(tempDir(), 'idle.db')
    const idle = await buildTestApp({ databasePath: path, exportWorkers: true, exportWorkerIdle: true })
    const inline = await buildTestApp({ databasePath: path, exportWorkers: false, seedOnStart: false })
    // Field 41 of a thread's stat: its scheduling policy, 5 for SCHED_IDLE.
    const policyOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[38])
    expect(readdirSync('/proc/self/task').map(policyOf)).not.toContain(5)
    const [a, b] = await Promise.all([idle, inline].map((app) => app.inject({ method: 'GET', url: '/v1/export?format=ndjson' })))
    expect(a!.statusCode).toBe(200)
    expect(a!.rawPayload.equals(b!.rawPayload)).toBe(true)
    expect(readdirSync('/proc/self/task').map(policyOf)).toContain(5)
    expect(policyOf(String(process.pid))).toBe(0)
  }, 60_000)

  it('keep the in-process path for an in-memory database, which no worker can open', async () => {
    const app = await buildTestApp({ exportWorkers: true })
    const before = openSnapshotCount()
    const res = await app.inject({ method: 'GET', url: '/v1/export?format=ndjson&resource=sources' })
    expect(res.statusCode).toBe(200)
    // A worker would open an empty database of its own and find no dataset version in it.
    const meta = JSON.parse(res.body.split('\n')[0]!)
    expect(meta.counts.sources).toBeGreaterThan(0)
    expect(res.body.trimEnd().split('\n')).toHaveLength(meta.counts.sources + 1)
    for (let i = 0; i < 50 && openSnapshotCount() > before; i++) await sleep(10)
    expect(openSnapshotCount()).toBe(before)
    expect(inlineExports(app.storage, ':memory:').threads).toBe(0)
  })

  it('load from one bundled module named by its contents, without the TypeScript loader', async () => {
    const url = exportWorkerEntry()
    expect(url).toMatch(/\/node_modules\/\.cache\/conflict-timeline\/export-worker-[0-9a-f]{16}\.mjs$/)
    const code = readFileSync(new URL(url), 'utf8')
    expect(code).not.toContain('tsx')
    expect(code).toContain('json_object')
    expect(exportWorkerEntry()).toBe(url)
  })
})
