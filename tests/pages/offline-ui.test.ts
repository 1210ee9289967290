/// <reference lib="dom" />
import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
if (!available && process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM}`)

describe.skipIf(!available)('GraphiQL and the REST docs with no network beyond the server', () => {
  let app: App
  let browser: Browser
  let base: string

  beforeAll(async () => {
    app = await buildApp({ config: { databasePath: ':memory:', logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  /** A page whose requests to any other origin fail, as on a machine with no internet. */
  async function offlinePage(): Promise<{ page: Page, blocked: string[], errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const blocked: string[] = []
    const errors: string[] = []
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue()
      blocked.push(url)
      return route.abort('internetdisconnected')
    })
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
    return { page, blocked, errors }
  }

  it('renders GraphiQL and runs a query', async () => {
    const { page, blocked, errors } = await offlinePage()
    await page.goto(`${base}/graphiql`)
    await page.locator('.graphiql-container').waitFor({ timeout: 20_000 })
    await page.locator('.graphiql-execute-button').click()
    await expect.poll(() => page.locator('.graphiql-response').innerText(), { timeout: 15_000 }).toContain('"events"')
    const first = (await app.inject({ method: 'GET', url: '/v1/events?limit=1' })).json().data[0].id as string
    expect(await page.locator('.graphiql-response').innerText()).toContain(first)
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
  }, 60_000)

  it('renders the REST docs from the served document', async () => {
    const { page, blocked, errors } = await offlinePage()
    await page.goto(`${base}/docs`)
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 20_000 })
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(50)
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
  }, 60_000)
})
