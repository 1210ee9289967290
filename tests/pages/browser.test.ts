/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import { getJson } from '../helper.ts'
import { SYNTH_EVENTS, syntheticDatabase } from './synthetic.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const OUT = 'test-output'
// CI installs Chromium (see .ci/run) and must run these; elsewhere they need it installed.
const available = existsSync(CHROMIUM)
if (!available && process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM}`)

interface Ctx { app: App, browser: Browser, base: string }

function setUp(databasePath: () => Promise<string>, timeout: number): Ctx {
  const ctx = {} as Ctx
  beforeAll(async () => {
    ctx.app = await buildApp({ config: { databasePath: await databasePath(), logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } })
    await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    ctx.base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`
    ctx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    mkdirSync(OUT, { recursive: true })
  }, timeout)
  afterAll(async () => {
    await ctx.browser?.close()
    await ctx.app?.close()
  })
  return ctx
}

const PERIOD = /Events per (day|week|month|year)/

/** The bars drawn on the page against the rows of GET /v1/stats/events for the same view and period. */
async function barsMatchStats(ctx: Ctx, page: Page) {
  const period = PERIOD.exec((await page.locator('svg#histogram title').first().textContent())!)![1]!
  const view = new URL(page.url()).searchParams
  const drawn = await page.locator('svg#histogram a.period').evaluateAll((els) => els.map((e) => [e.getAttribute('data-period'), Number(e.getAttribute('data-events'))]))
  const q = new URLSearchParams(view)
  q.set('groupBy', 'period'); q.set('period', period); q.set('limit', '5000')
  const rows = (await getJson(ctx.app, `/v1/stats/events?${q}`)).body.data as { key: { period: string, periodPlaced: boolean }, events: number }[]
  expect(drawn.filter(([, n]) => (n as number) > 0)).toEqual(rows.filter((r) => r.key.periodPlaced).map((r) => [r.key.period, r.events]))
  return { period, drawn: drawn as [string, number][] }
}

/** Places of the view that have coordinates, from the stats endpoint and the places API. */
async function locatedPlaces(ctx: Ctx, view: URLSearchParams): Promise<Set<string>> {
  const q = new URLSearchParams(view)
  q.set('groupBy', 'place'); q.set('limit', '5000')
  const ids = new Set(((await getJson(ctx.app, `/v1/stats/events?${q}`)).body.data as { key: { place: { id: string } | null } }[])
    .flatMap((r) => (r.key.place ? [r.key.place.id] : [])))
  const located = new Set<string>()
  let cursor: string | null = null
  do {
    const r: { body: any } = await getJson(ctx.app, `/v1/places?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
    for (const p of r.body.data as { id: string, latitude: number | null }[]) if (ids.has(p.id) && p.latitude !== null) located.add(p.id)
    cursor = r.body.page.nextCursor
  } while (cursor)
  return located
}

async function tabUntil(page: Page, selector: string, max = 300): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true
  }
  return false
}

// Facets are counted within a 100 ms budget (docs/stats.md); a busy machine needs a small view to finish.
function pageChecks(name: string, ctx: Ctx, start: string, facetStart = start) {
  it(`${name}: bars match the stats endpoint and a click narrows to a period`, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${ctx.base}${start}`)
    const { period, drawn } = await barsMatchStats(ctx, page)
    await page.screenshot({ path: `${OUT}/${name}-overview-desktop.png`, fullPage: true })
    const [busiest] = [...drawn].sort((a, b) => b[1] - a[1])[0]!
    await Promise.all([page.waitForURL(/from=/), page.click(`svg#histogram a.period[data-period="${busiest}"]`)])
    const url = new URL(page.url())
    expect(url.searchParams.get('from')!.startsWith(period === 'week' ? '' : busiest)).toBe(true)
    const narrowed = await barsMatchStats(ctx, page)
    expect(['day', 'week', 'month', 'year'].indexOf(narrowed.period)).toBeLessThan(['day', 'week', 'month', 'year'].indexOf(period))
    const dates = await page.locator('main article time').first().getAttribute('datetime')
    if (period !== 'week') expect(dates!.startsWith(busiest)).toBe(true)
    await page.screenshot({ path: `${OUT}/${name}-period-desktop.png`, fullPage: false })
    await page.close()
  }, 120_000)

  it(`${name}: a facet link filters and its filter can be removed`, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${ctx.base}${facetStart}`)
    const facet = page.locator('a.facet[data-field="type"]').first()
    const type = (await facet.getAttribute('data-value'))!
    await Promise.all([page.waitForURL(new RegExp(`type=${type}`)), facet.click()])
    const types = await page.locator('main article .type').allInnerTexts()
    expect(types.length).toBeGreaterThan(0)
    expect(new Set(types.map((t) => t.toLowerCase()))).toEqual(new Set([type.replaceAll('_', ' ')]))
    const shown = await page.locator('main article').evaluateAll((els) => els.map((e) => e.id))
    const api = (await getJson(ctx.app, `/v1/events?${new URL(page.url()).searchParams}&limit=${shown.length}`)).body.data.map((e: { id: string }) => e.id)
    expect(shown).toEqual(api)
    await Promise.all([page.waitForURL((u) => !u.searchParams.has('type')), page.click('ul.active a[aria-label^="Remove the filter Type"]')])
    await page.close()
  }, 120_000)

  it(`${name}: the map has one point per located place of the view`, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${ctx.base}${start}`)
    const points = await page.locator('svg#map a.place').evaluateAll((els) => els.map((e) => e.getAttribute('data-place')))
    expect(new Set(points)).toEqual(await locatedPlaces(ctx, new URL(page.url()).searchParams))
    expect(points.length).toBe(new Set(points).size)
    await page.locator('svg#map').screenshot({ path: `${OUT}/${name}-map.png` })
    // Points overlap, so the link is followed from the keyboard rather than by a pointer.
    await page.locator('svg#map a.place').first().focus()
    await Promise.all([page.waitForURL(/place=/), page.keyboard.press('Enter')])
    expect(await page.locator('ul.active').innerText()).toContain('Place:')
    await page.close()
  }, 120_000)

  it(`${name}: fits 390 px without horizontal overflow and is reachable by keyboard`, async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 390, height: 844 } })
    for (const url of [start, '/?type=offensive']) {
      await page.goto(`${ctx.base}${url}`)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, url).toBeLessThanOrEqual(1)
    }
    await page.goto(`${ctx.base}${start}`)
    await page.screenshot({ path: `${OUT}/${name}-phone.png`, fullPage: true })
    expect(await tabUntil(page, 'svg#histogram a.period')).toBe(true)
    expect(await tabUntil(page, 'svg#map a.place')).toBe(true)
    // Past a map of many places a skip link leads on to the facets.
    const skipMap = async () => {
      if (!(await page.locator('a.skip-map').count())) return
      expect(await tabUntil(page, 'a.skip-map')).toBe(true)
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => location.hash)).toBe('#facets-heading')
    }
    await page.reload()
    await skipMap()
    // Facets are counted within a time budget that a busy machine can overrun on a wide view, so a
    // facet link is reached from the keyboard on the small one.
    if (facetStart !== start) {
      await page.goto(`${ctx.base}${facetStart}`)
      await skipMap()
    }
    expect(await tabUntil(page, 'a.facet')).toBe(true)
    const href = await page.evaluate(() => document.activeElement!.getAttribute('href'))
    await Promise.all([page.waitForURL((u) => `${u.pathname}${u.search}` === href), page.keyboard.press('Enter')])
    await page.close()
  }, 120_000)
}

describe.skipIf(!available)('the page at / in a real browser, on the seed', () => {
  const ctx = setUp(async () => ':memory:', 60_000)
  pageChecks('seed', ctx, '/')

  it('seed: keeps the cited figures and a permalink page per event', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${ctx.base}/?from=2023-09&to=2023-09`)
    const figures = await page.locator('article#azerbaijani-offensive-2023-09 ul.figures li').allInnerTexts()
    expect(figures.join('\n')).toContain('at least 200 killed')
    expect(figures.join('\n')).toContain('Financial Times, 2023-09-24, para. 4')
    await page.goto(`${ctx.base}/events/azerbaijani-offensive-2023-09`)
    expect(await page.locator('h1').innerText()).toContain('assault')
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe('/events/azerbaijani-offensive-2023-09')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.screenshot({ path: `${OUT}/event-phone.png`, fullPage: true })
    await page.close()
  }, 60_000)
})

describe.skipIf(!available)(`the page at / in a real browser, on ${SYNTH_EVENTS.toLocaleString('en')} synthetic events`, () => {
  const ctx = setUp(() => syntheticDatabase(), 300_000)
  // A quarter of the synthetic data: some 6,000 events over nearly all of its places, drawn by week.
  pageChecks('synthetic', ctx, '/?from=2021-01&to=2021-03', '/?from=2021-03-01&to=2021-03-07')

  it('synthetic: the whole dataset is drawn by month and mapped', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(`${ctx.base}/`)
    const { period } = await barsMatchStats(ctx, page)
    expect(['month', 'year']).toContain(period)
    expect(await page.locator('svg#map a.place').count()).toBeGreaterThan(100)
    expect(await page.locator('main article').count()).toBeLessThanOrEqual(50)
    await page.screenshot({ path: `${OUT}/synthetic-all-desktop.png`, fullPage: true })
    await page.close()
  }, 120_000)
})
