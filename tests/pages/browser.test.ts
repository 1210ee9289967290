/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import { getJson } from '../helper.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const OUT = 'test-output'
// CI installs Chromium (see .ci/run) and must run these; elsewhere they need it installed.
const available = existsSync(CHROMIUM)
if (!available && process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM}`)

describe.skipIf(!available)('the timeline page in a real browser', () => {
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
    mkdirSync(OUT, { recursive: true })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows the seeded events in date order, with the figures the API reports, and charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${base}/`)
    const shown = await page.locator('main article').evaluateAll((els) => els.map((e) => e.id))
    const api = (await getJson(app, '/v1/events?limit=200')).body.data.map((e: { id: string }) => e.id)
    expect(shown).toEqual(api)

    const offensive = page.locator('article#azerbaijani-offensive-2023-09')
    const figures = await offensive.locator('ul.figures li').allInnerTexts()
    const casualties = (await getJson(app, '/v1/casualty-reports?event=azerbaijani-offensive-2023-09')).body.data
    expect(casualties.length).toBe(figures.length)
    expect(figures.join('\n')).toContain('at least 200 killed')
    expect(figures.join('\n')).toContain('more than 400 injured')
    expect(figures.join('\n')).toContain('Financial Times, 2023-09-24, para. 5')
    const arrived = await page.locator('article#refugees-arrive-southern-armenia ul.figures').innerText()
    expect(arrived).toContain('377 arrived')
    expect(arrived).toContain('24 Sep 2023, 18:00 UTC+4')
    expect(arrived).toContain('via CivilNet')

    for (const id of ['displacement-chart', 'casualty-chart']) {
      const chart = page.locator(`svg#${id}`)
      await expect.poll(() => chart.getAttribute('role')).toBe('img')
      expect(await chart.locator('title').textContent()).toBeTruthy()
      expect(await chart.locator('rect').count()).toBeGreaterThan(0)
      expect((await chart.boundingBox())!.width).toBeGreaterThan(300)
    }
    expect(await page.locator('blockquote').first().innerText()).toMatch(/Pashinyan|Hajiyev|Kremlin|leader/)
    await page.screenshot({ path: `${OUT}/timeline-desktop.png`, fullPage: true })
    await page.close()
  }, 60_000)

  it('narrows the list with the filter form, reached by keyboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${base}/`)
    await page.keyboard.press('Tab')
    // Date inputs take several Tab stops each (day, month, year).
    for (let i = 0; i < 30; i++) {
      if (await page.evaluate(() => document.activeElement?.getAttribute('name') === 'type')) break
      await page.keyboard.press('Tab')
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('type')
    await page.selectOption('select[name=type]', 'offensive')
    await Promise.all([page.waitForURL(/type=offensive/), page.click('form button[type=submit]')])
    const shown = await page.locator('main article').evaluateAll((els) => els.map((e) => e.id))
    const api = (await getJson(app, '/v1/events?type=offensive')).body.data.map((e: { id: string }) => e.id)
    expect(shown).toEqual(api)
    expect(shown.length).toBeLessThan((await getJson(app, '/v1/events?limit=200')).body.data.length)
    expect(await page.locator('a', { hasText: 'CSV' }).getAttribute('href')).toContain('type=offensive')
    await page.close()
  }, 60_000)

  it('fits a phone screen and serves a permalink page per event', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(`${base}/`)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(1)
    await page.screenshot({ path: `${OUT}/timeline-phone.png`, fullPage: false })
    await page.goto(`${base}/events/azerbaijani-offensive-2023-09`)
    expect(await page.locator('h1').innerText()).toContain('assault')
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe('/events/azerbaijani-offensive-2023-09')
    expect(await page.locator('main').innerText()).toContain('at least 200 killed')
    await page.screenshot({ path: `${OUT}/event-phone.png`, fullPage: true })
    await page.close()
  }, 60_000)
})
