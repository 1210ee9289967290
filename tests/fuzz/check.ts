import Ajv2020Module from 'ajv/dist/2020.js'
import type { LightMyRequestResponse } from 'fastify'
import type { Schema } from './arbitraries.ts'

// ajv is CommonJS: its class is the default export's `default`.
const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module.default }).default
const pointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')

export type FailureKind = 'server error' | 'undeclared status' | 'undeclared content type' | 'body against schema' | 'malformed body'

/** Checks a response against what the document declares for its operation: status, media type and body. */
export function responseChecker(doc: Schema) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false })
  ajv.addSchema(doc, 'doc')
  return (path: string, method: string, res: LightMyRequestResponse): { kind: FailureKind, detail: string } | null => {
    const op = doc.paths[path][method]
    if (res.statusCode >= 500) return { kind: 'server error', detail: `${res.statusCode} ${res.body.slice(0, 200)}` }
    const declared = op.responses[String(res.statusCode)]
    if (!declared) return { kind: 'undeclared status', detail: `${res.statusCode} ${res.body.slice(0, 200)}` }
    const content: Record<string, unknown> = declared.content ?? {}
    if (res.statusCode === 304 || res.statusCode === 204) {
      return res.body === '' ? null : { kind: 'malformed body', detail: `${res.statusCode} with a body` }
    }
    const media = String(res.headers['content-type'] ?? '').split(';')[0]!.trim()
    if (!(media in content)) return { kind: 'undeclared content type', detail: `${res.statusCode} ${media}; declared ${Object.keys(content).join(', ')}` }
    if (media === 'text/csv') {
      return /^\ufeff[a-z_]+(,[a-z_]+)*\r\n/.test(res.body) ? null : { kind: 'malformed body', detail: res.body.slice(0, 100) }
    }
    if (media === 'application/x-ndjson') {
      try { for (const line of res.body.trimEnd().split('\n')) JSON.parse(line) } catch { return { kind: 'malformed body', detail: 'a line is not JSON' } }
      return null
    }
    let body: unknown
    try { body = JSON.parse(res.body) } catch { return { kind: 'malformed body', detail: res.body.slice(0, 100) } }
    const validate = ajv.getSchema(`doc#/paths/${pointer(path)}/${method}/responses/${res.statusCode}/content/${pointer(media)}/schema`)!
    return validate(body) ? null : { kind: 'body against schema', detail: `${res.statusCode} ${JSON.stringify(validate.errors).slice(0, 300)}` }
  }
}
