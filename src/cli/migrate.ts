import { openStorage } from './storage.ts'

const { config, storage } = openStorage('db:migrate')
try {
  console.log(`migrations applied to ${config.databasePath}`)
} finally {
  storage.close()
}
