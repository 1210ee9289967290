import { writeFileSync } from 'node:fs'
import { buildApp } from '../app.ts'
import { documentYaml } from '../plugins/openapi.ts'

// Writes the served OpenAPI document to openapi.yaml; a test fails when the two drift apart.
const app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'warn' } })
await app.ready()
writeFileSync(new URL('../../openapi.yaml', import.meta.url), documentYaml(app.swagger()))
await app.close()
console.log('openapi.yaml written')
