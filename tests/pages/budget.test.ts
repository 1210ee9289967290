import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.ts'
import { PAGE_SIZE } from '../../src/modules/pages/view.ts'
import { getJson } from '../helper.ts'
import { SYNTH_EVENTS, syntheticDatabase } from './synthetic.ts'

const BUDGET = 300 * 1024
const config = { logLevel: 'silent', rateLimitMax: 0, maxEventLoopDelayMs: 0 } as const

async function page(app: App, url: string) {
  const res = await app.inject(url)
  expect(res.statusCode, url).toBe(200)
  expect(res.headers['content-type']).toContain('text/html')
  return res.body
}

const bars = (body: string) => [...body.matchAll(/data-period="([^"]+)" data-events="(\d+)"/g)].map((m) => [m[1], Number(m[2])] as const)
const hrefs = (body: string, rel: string) => [...body.matchAll(new RegExp(`<a href="([^"]+)" rel="${rel}"`, 'g'))].map((m) => m[1]!.replaceAll('&amp;', '&'))
const articleIds = (body: string) => [...body.matchAll(/<article id="([^"]+)"/g)].map((m) => m[1]!)

/** Every event id of a filtered list through the API, following its cursors. */
async function apiIds(app: App, query: string): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const r: { body: any } = await getJson(app, `/v1/events?${query}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
    ids.push(...r.body.data.map((e: { id: string }) => e.id))
    cursor = r.body.page.nextCursor
  } while (cursor)
  return ids
}

describe('the page at / on the seed', () => {
  let app: App
  beforeAll(async () => { app = await buildApp({ config: { databasePath: ':memory:', ...config } }) })
  afterAll(async () => { await app?.close() })

  it('takes its title from the dataset and stays within the size budget in every view', async () => {
    const body = await page(app, '/')
    const events = (await getJson(app, '/v1/dataset')).body.data.counts.events
    const title = /<title>([^<]+)<\/title>/.exec(body)![1]!
    expect(title).toContain(`${events} cited events`)
    expect(title).toMatch(/Azerbaijan/)
    expect(body).toContain('Financial Times')
    for (const url of ['/', '/?from=2023&to=2023', '/?from=2023-09&to=2023-09', '/?place=nagorno-karabakh', '/?type=offensive']) {
      expect((await page(app, url)).length, url).toBeLessThan(BUDGET)
    }
  })

  it('draws one bar per period with the counts of the stats endpoint, each linking to its period', async () => {
    const body = await page(app, '/?from=2023&to=2023')
    const api = (await getJson(app, '/v1/stats/events?groupBy=period&period=month&from=2023&to=2023')).body.data
      .filter((r: { key: { periodPlaced: boolean } }) => r.key.periodPlaced).map((r: { key: { period: string }, events: number }) => [r.key.period, r.events])
    expect(bars(body).filter(([, n]) => n > 0)).toEqual(api)
    expect(bars(body).map(([p]) => p)).toEqual(Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`))
    expect(body).toContain('href="/?from=2023-09&amp;to=2023-09"')
    // The month is drawn by day; September's killed figure is open-ended, so it ends in an arrow.
    const month = await page(app, '/?from=2023-09&to=2023-09')
    expect(bars(month)).toHaveLength(30)
    expect(month).toMatch(/class="range open"/)
    // The five peacekeepers died in the attack whose toll was at least 200: not added, and no best below it.
    expect(body).toContain('at least 200 (open-ended)')
    expect(body).not.toContain('at least 205')
  })

  it('lists the view with facets, active filters and a way to remove each', async () => {
    const body = await page(app, '/?type=offensive&place=nagorno-karabakh')
    expect(articleIds(body)).toEqual(await apiIds(app, 'type=offensive&place=nagorno-karabakh'))
    expect(body).toContain('Place: Nagorno-Karabakh <a href="/?type=offensive"')
    expect(body).toContain('Type: offensive <a href="/?place=nagorno-karabakh"')
    const all = await page(app, '/')
    expect(all).toMatch(/class="facet" data-field="actor"/)
    expect(all).toContain('href="/?place=nagorno-karabakh" class="facet"')
  })

  it('names actors and places in stats read after the facets the page counts', async () => {
    await page(app, '/')
    await getJson(app, '/v1/events?facets=actor,place')
    const rows = (await getJson(app, '/v1/stats/events?groupBy=actor')).body.data
    expect(rows.find((r: { key: { actor: { id: string } | null } }) => r.key.actor?.id === 'azerbaijani-armed-forces').key.actor.name).toBe('Azerbaijani armed forces')
  })

  it('answers a cursor it did not issue with a 400', async () => {
    expect((await app.inject('/?after=bm90LWEtY3Vyc29y')).statusCode).toBe(400)
  })
})

describe(`the page at / on ${SYNTH_EVENTS.toLocaleString('en')} synthetic events`, () => {
  let app: App
  beforeAll(async () => {
    app = await buildApp({ config: { databasePath: await syntheticDatabase(), ...config } })
  }, 300_000)
  afterAll(async () => { await app?.close() })

  it('stays within the size budget from decades down to one day, and shows one keyset page', async () => {
    const body = await page(app, '/')
    expect(body.length).toBeLessThan(BUDGET)
    expect(articleIds(body)).toHaveLength(PAGE_SIZE)
    // Synthetic events fall in 2020-2023.
    const year = '2021'
    for (const url of [`/?from=${year}&to=${year}`, `/?from=${year}-03&to=${year}-03`, `/?from=${year}-03-02&to=${year}-03-02`,
      '/?place=synth-place-000012', '/?actor=synth-actor-000003', '/?type=attack', `/?type=attack&from=${year}-03&to=${year}-03`]) {
      const html = await page(app, url)
      expect(html.length, url).toBeLessThan(BUDGET)
      expect(bars(html).length, url).toBeGreaterThan(0)
    }
  }, 60_000)

  it('pages through a view with next and previous links, never the whole set', async () => {
    const query = 'place=synth-place-000012'
    const want = await apiIds(app, query)
    expect(want.length).toBeGreaterThan(PAGE_SIZE)
    const seen: string[] = []
    const pages: string[] = []
    let url: string | undefined = `/?${query}`
    while (url) {
      const body = await page(app, url)
      const ids = articleIds(body)
      expect(ids.length).toBeLessThanOrEqual(PAGE_SIZE)
      seen.push(...ids)
      pages.push(url)
      url = hrefs(body, 'next')[0]
    }
    expect(seen).toEqual(want)
    // Back from the last page by "previous" links, page by page, to the first.
    const back: string[][] = []
    url = pages[pages.length - 1]
    while (url) {
      const body = await page(app, url)
      back.unshift(articleIds(body))
      url = hrefs(body, 'prev')[0]
    }
    expect(back.flat()).toEqual(want)
  }, 60_000)
})
