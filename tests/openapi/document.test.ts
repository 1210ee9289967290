import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Validator } from '@seriousme/openapi-schema-validator'
import Ajv2020Module from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { buildTestApp, sharedApp, tempDir } from '../helper.ts'

const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default
const run = promisify(execFile)
const app = sharedApp()
const served = async () => (await app().inject({ method: 'GET', url: '/openapi.json' })).json()
const METHODS = ['get', 'post', 'patch', 'delete', 'put']

describe('the served OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator()
    const result = await validator.validate(await served())
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  })

  it('holds JSON Schema 2020-12 that a strict validator compiles, with every $ref resolved', async () => {
    const doc = await served()
    // No schema may carry its own identity: `$id: "#/..."` is a fragment, which 2020-12 forbids.
    expect(JSON.stringify(doc)).not.toMatch(/"\$id"/)
    const ajv = new Ajv2020({ strict: true, strictTypes: false, validateFormats: false, allErrors: true })
    ajv.addKeyword('example')
    const BASE = 'https://timeline.invalid/components/schemas/'
    const rebase = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${BASE}`))
    for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema({ ...rebase(schema), $id: BASE + name })
    let compiled = 0
    for (const item of Object.values<Record<string, any>>(doc.paths)) {
      for (const op of Object.values<any>(item)) {
        const schemas = [
          ...(op.parameters ?? []).map((p: any) => p.schema),
          ...Object.values<any>(op.requestBody?.content ?? {}).map((c) => c.schema),
          ...Object.values<any>(op.responses).flatMap((r) => Object.values<any>(r.content ?? {}).map((c) => c.schema)),
        ]
        for (const schema of schemas) {
          expect(() => ajv.compile(rebase(schema))).not.toThrow()
          compiled++
        }
      }
    }
    expect(compiled).toBeGreaterThan(500)
  })

  it('names every operation, secures every write and opens every read', async () => {
    const doc = await served()
    const ids: string[] = []
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect(METHODS, path).toContain(method)
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/)
        ids.push(op.operationId)
        expect(op.security, `${method} ${path}`).toEqual(method === 'get' ? [] : [{ bearer: [] }])
        for (const [status, response] of Object.entries<any>(op.responses)) {
          if (Number(status) >= 400) expect(Object.keys(response.content), `${method} ${path} ${status}`).toEqual(['application/problem+json'])
        }
        if (op.responses['428']) {
          expect(op.parameters.find((p: any) => p.in === 'header' && p.name === 'If-Match')?.required, `${method} ${path}`).toBe(true)
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(expect.arrayContaining(['listEvents', 'getEvent', 'createEvent', 'updateEvent', 'deleteEvent', 'restoreEvent', 'listEventRevisions', 'createCasualtyReport', 'search', 'exportDataset']))
    expect(doc.servers.length).toBeGreaterThan(0)
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(doc.info.version).toBe(pkg.version)
    expect(doc.paths['/v1/events'].post.summary).toBe('Create an event')
  })

  it('points the docs UI at the server it was read from, never at a name from the Host header', async () => {
    const res = await app().inject({ method: 'GET', url: '/docs/json', headers: { host: 'timeline.example:8080' } })
    expect(res.json().servers).toEqual([{ url: '/' }])
    const pub = await buildTestApp({ publicUrl: 'https://data.example.org' })
    expect((await pub.inject({ method: 'GET', url: '/docs/json', headers: { host: 'evil.example' } })).json().servers).toEqual([{ url: 'https://data.example.org' }])
    expect((await served()).servers[0].url).toBe('http://127.0.0.1:3000')
  })

  it('passes Redocly CLI\'s recommended ruleset with no errors', async () => {
    const file = join(tempDir(), 'openapi.json')
    writeFileSync(file, JSON.stringify(await served()))
    const bin = new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url).pathname
    // The CLI exits non-zero when it finds errors; its JSON report is read either way.
    const out = await run(process.execPath, [bin, 'lint', file, '--format=json'], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
      .catch((err: { stdout: string }) => err)
    const report = JSON.parse(out.stdout) as { totals: { errors: number, warnings: number }, problems: { ruleId: string, message: string }[] }
    expect(report.problems.filter((p) => p.ruleId !== 'info-license-strict')).toEqual([])
    expect(report.totals.errors).toBe(0)
  }, 60_000)
})
