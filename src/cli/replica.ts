import { createServer } from 'node:http'
import closeWithGrace from 'close-with-grace'
import pino from 'pino'
import { ConfigError, loadConfig } from '../config/config.ts'
import { Replica } from '../modules/releases/replica.ts'

let config
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) { console.error(err.message); process.exit(1) }
  throw err
}
const { primaryUrl } = config
if (!primaryUrl) {
  console.error('replica: set PRIMARY_URL to the primary\'s base URL, e.g. http://10.0.0.1:3000')
  process.exit(1)
}

const log = pino({ level: config.logLevel })
const replica = new Replica({ ...config, primaryUrl }, log)
const server = createServer({ requestTimeout: config.requestTimeoutMs }, replica.handle)

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'closing after an uncaught error')
  else log.info({ signal }, 'closing')
  await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections() })
  await replica.close()
})

replica.start()
server.listen(config.port, config.host, () => log.info(`replica of ${primaryUrl} on http://${config.host}:${config.port}`))
