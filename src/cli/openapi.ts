import { writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { buildApp } from '../app.ts'

// Writes the served OpenAPI document to openapi.yaml; a test fails when the two drift apart.
const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'warn' } })
await app.ready()
writeFileSync(new URL('../../openapi.yaml', import.meta.url), stringify(app.swagger(), { lineWidth: 0 }))
await app.close()
console.log('openapi.yaml written')
