import { parseArgs } from 'node:util'
import { createKey, listKeys, revokeKey, ROLES, type Role } from '../modules/keys/queries.ts'
import { openStorage } from './storage.ts'

const USAGE = `usage: npm run keys -- create --name NAME --role editor|admin
       npm run keys -- list
       npm run keys -- revoke --id ID`

const { values, positionals } = parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' } } })
const fail = (message: string): never => { console.error(`keys: ${message}\n${USAGE}`); process.exit(2) }

const { storage } = openStorage('keys')
try {
  switch (positionals[0]) {
    case 'create': {
      if (!values.name?.trim()) fail('--name is required')
      if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
      const { key, record } = createKey(storage.sqlite, values.name!.trim(), values.role as Role)
      console.log(`created key ${record.id} "${record.name}" (${record.role}). It is shown this once; keep it secret:\n${key}`)
      break
    }
    case 'list':
      for (const k of listKeys(storage.sqlite)) console.log(`${k.id}\t${k.role}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.name}`)
      break
    case 'revoke':
      if (!values.id) fail('--id is required')
      if (!revokeKey(storage.sqlite, values.id!)) fail(`no active key with id ${values.id}`)
      console.log(`revoked key ${values.id}`)
      break
    default:
      fail(positionals[0] ? `unknown command "${positionals[0]}"` : 'a command is required')
  }
} finally {
  storage.close()
}
