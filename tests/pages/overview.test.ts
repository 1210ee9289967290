import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { boundsOf, periodFor, weekLabel } from '../../src/modules/pages/overview.ts'
import { getJson, sharedApp } from '../helper.ts'

const DAY = 86_400_000

describe('the histogram period', () => {
  it('follows the span: years from five years, months from six months, weeks from six weeks, else days', () => {
    expect([periodFor(40 * 365), periodFor(5 * 365), periodFor(4 * 365), periodFor(365), periodFor(181)]).toEqual(['year', 'year', 'month', 'month', 'month'])
    expect([periodFor(180), periodFor(90), periodFor(43), periodFor(42), periodFor(30), periodFor(0)]).toEqual(['week', 'week', 'week', 'day', 'day', 'day'])
  })

  it('labels weeks as SQLite does (ISO 8601), so empty weeks fill in between the stats rows', () => {
    const db = new Database(':memory:')
    const sql = db.prepare(`SELECT strftime('%G-W%V', ?) AS w`)
    for (let t = Date.UTC(2019, 11, 20); t < Date.UTC(2027, 0, 10); t += 3 * DAY) {
      const day = new Date(t).toISOString().slice(0, 10)
      expect(weekLabel(t), day).toBe((sql.get(day) as { w: string }).w)
    }
    db.close()
  })

  it('narrows a week bar to its Monday and Sunday, and a month or year to itself', () => {
    expect(boundsOf('2023-W38')).toEqual({ from: '2023-09-18', to: '2023-09-24' })
    expect(boundsOf('2021-W01')).toEqual({ from: '2021-01-04', to: '2021-01-10' })
    expect(boundsOf('2020-W53')).toEqual({ from: '2020-12-28', to: '2021-01-03' })
    expect(boundsOf('2023-09')).toEqual({ from: '2023-09', to: '2023-09' })
    expect(boundsOf('1991')).toEqual({ from: '1991', to: '1991' })
  })
})

describe('the histogram on the seed', () => {
  const app = sharedApp()

  it('draws a quarter by week, every week from the first to the last, linked to its days', async () => {
    const res = await app().inject('/?from=2023-07&to=2023-09-30')
    const bars = [...res.body.matchAll(/data-period="([^"]+)" data-events="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])] as const)
    expect(bars[0]![0]).toBe('2023-W26')
    expect(bars[bars.length - 1]![0]).toBe('2023-W39')
    expect(bars).toHaveLength(14)
    const api = (await getJson(app(), '/v1/stats/events?groupBy=period&period=week&from=2023-07&to=2023-09-30')).body.data
      .filter((r: { key: { periodPlaced: boolean } }) => r.key.periodPlaced).map((r: { key: { period: string }, events: number }) => [r.key.period, r.events])
    expect(bars.filter(([, n]) => n > 0)).toEqual(api)
    expect(res.body).toContain('href="/?from=2023-09-18&amp;to=2023-09-24"')
  })
})

describe('the page on an empty dataset', () => {
  const app = sharedApp({ seedOnStart: false })

  it('says there is nothing yet instead of failing', async () => {
    const res = await app().inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('No events in this view.')
    expect(res.body).toContain('No event matches these filters.')
    expect(res.body).toMatch(/<title>0 cited events<\/title>/)
  })
})

describe('the histogram over more periods than bars fit', () => {
  const app = sharedApp()

  it('draws runs of years as one bar, adding their counts, and the page stays within budget', async () => {
    const insert = app().storage.sqlite.prepare(`INSERT INTO events (id, title, summary, type, start, start_utc, date_precision, date_basis, date_note, place_id)
      VALUES (?, ?, 'Test event', 'attack', ?, ?, 'day', 'stated', NULL, NULL)`)
    app().storage.sqlite.transaction(() => {
      for (let y = 1600; y < 1900; y++) insert.run(`old-${y}`, `Event of ${y}`, `${y}-06-01`, `${y}-06-01T00:00:00.000Z`)
    })()
    const res = await app().inject('/')
    expect(res.statusCode).toBe(200)
    expect(res.body.length).toBeLessThan(300 * 1024)
    const bars = [...res.body.matchAll(/data-period="([^"]+)" data-events="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])] as const)
    expect(bars.length).toBeLessThanOrEqual(200)
    expect(bars[0]).toEqual(['1600–1601', 2])
    const total = (await getJson(app(), '/v1/stats/events?groupBy=')).body.data[0].events
    expect(bars.reduce((t, [, n]) => t + n, 0)).toBe(total)
    expect(res.body).toContain('href="/?from=1600&amp;to=1601"')
  })
})

describe('citations on the pages', () => {
  const shared = sharedApp()
  it('link each source: to the report where its address is known, else to the source record', async () => {
    const app = shared()
    const page = (await app.inject('/events/azerbaijani-offensive-2023-09')).body
    const cites = [...page.matchAll(/<p class="cite">Source: (.*?)<\/p>/g)].map((m) => m[1]!)
    expect(cites.length).toBeGreaterThan(0)
    for (const cite of cites) expect(cite).toMatch(/^<a href="(https?:\/\/[^"]+|\/v1\/sources\/[^"]+)">/)
    const ft = /<a href="(\/v1\/sources\/[^"]+)">Financial Times<\/a>, 2023-09-24, para\. \d+/.exec(page)
    expect(ft).not.toBeNull()
    expect((await getJson(app, ft![1]!)).body.data.publisher).toBe('Financial Times')
  })
})

describe('the page with a bad filter', () => {
  const app = sharedApp()
  const listed = (body: string) => [...body.matchAll(/<li><article id="([^"]+)">/g)].map((m) => m[1]!)

  it('ignores the bad filter alone, names it, and keeps the others (types in either case)', async () => {
    const offensives = (await getJson(app(), '/v1/events?type=offensive&limit=200')).body.data.map((e: { id: string }) => e.id)
    expect(offensives.length).toBeGreaterThan(0)
    const res = await app().inject('/?type=offensive&from=2023-13')
    expect(res.statusCode).toBe(400)
    expect(res.body).toMatch(/ignored \(the others apply\): from: /)
    expect(res.body).not.toMatch(/type: /)
    expect(listed(res.body).sort()).toEqual([...offensives].sort())
    const upper = await app().inject('/?type=OFFENSIVE')
    expect(upper.statusCode).toBe(200)
    expect(listed(upper.body).sort()).toEqual([...offensives].sort())
  })

  it('names a filter it does not take, and a range that ends before it starts, instead of showing everything as if they applied', async () => {
    const offensives = (await getJson(app(), '/v1/events?type=offensive&limit=200')).body.data.map((e: { id: string }) => e.id)
    for (const query of ['q=peacekeepers', 'minKilled=100', 'actor=russia&role=observer', 'updatedSince=2099-01-01']) {
      const res = await app().inject(`/?type=offensive&${query}`)
      expect(res.statusCode, query).toBe(400)
      const name = query.split('&').pop()!.split('=')[0]!
      expect(res.body, query).toMatch(new RegExp(`${name}: the page does not filter by this`))
      if (!query.startsWith('actor')) expect(listed(res.body).sort(), query).toEqual([...offensives].sort())
    }
    const swapped = await app().inject('/?from=2023-10&to=2023-09&type=offensive')
    expect(swapped.statusCode).toBe(400)
    expect(swapped.body).toMatch(/from \(2023-10\) is after to \(2023-09\), so neither applies/)
    expect(listed(swapped.body).sort()).toEqual([...offensives].sort())
    // A thousand made-up parameters are counted, not all named.
    const many = await app().inject(`/?${Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join('&')}`)
    expect(many.statusCode).toBe(400)
    expect(many.body).toMatch(/p0, p1, p2, p3, p4 and 995 more: the page does not filter by these/)
  })
})

describe('what the pages say about figures, claims and dates', () => {
  const app = sharedApp()

  it('sets only a speaker\'s reported words as a quotation; summaries and notes stand outside it', async () => {
    const page = (await app().inject('/events/pashinyan-address-to-the-nation')).body
    const quoted = [...page.matchAll(/<blockquote>([\s\S]*?)<\/blockquote>/g)].map((m) => m[1]!)
    const statements = (await getJson(app(), '/v1/statements?limit=100')).body.data as { quote: string | null, summary: string, eventIds: string[] }[]
    const here = statements.filter((s) => s.eventIds.includes('pashinyan-address-to-the-nation'))
    expect(here.some((s) => s.quote === null)).toBe(true)
    // One quotation per quoted statement, holding the quote and nothing else.
    expect(quoted.map((q) => q.replace(/<\/?p>|[“”]/g, '').trim()).sort()).toEqual(here.flatMap((s) => (s.quote ? [s.quote] : [])).sort())
    for (const s of here) expect(page).toContain(s.summary)
  })

  it('dates each <time> as reported, at its precision, never as the sort key', async () => {
    for (const path of ['/', '/events/pashinyan-address-to-the-nation', '/events/refugees-arrive-southern-armenia']) {
      const page = (await app().inject(path)).body
      const stamps = [...page.matchAll(/<time datetime="([^"]*)"/g)].map((m) => m[1]!)
      expect(stamps.length, path).toBeGreaterThan(0)
      for (const t of stamps) expect(t, path).not.toMatch(/T23:59:59\.999Z|T00:00:00\.000Z/)
      expect(page, path).not.toMatch(/<time>/)
    }
    const arrived = (await app().inject('/events/refugees-arrive-southern-armenia')).body
    expect(arrived).toContain('<time datetime="2023-09-24T18:00+04:00">')
  })

  it('shows how a figure\'s date and the figure itself were derived, and the date notes of claims', async () => {
    const count = (await getJson(app(), '/v1/displacement-counts/nagorno-karabakh-armenian-population')).body.data
    const exodus = (await app().inject('/events/exodus-from-nagorno-karabakh-begins')).body
    expect(exodus).toContain(count.asOfNote.replace(/'/g, '&#39;'))
    expect(exodus).toContain(count.note.replace(/'/g, '&#39;'))
    const address = (await app().inject('/events/pashinyan-address-to-the-nation')).body
    expect(address).toContain('does not date the address')
  })

  it('names the most cited publishers first in the lede, and lists them in plain English', async () => {
    const page = (await app().inject('/')).body
    const lede = /compiled from \d+ sources \(([^)]*)\)/.exec(page)![1]!
    expect(lede.startsWith('Financial Times, ')).toBe(true)
    expect(lede).toMatch(/ and others$/)
    expect(lede).not.toMatch(/ and .* and others/)
  })

  it('labels the last period of the chart and keeps each scale clear of the bars', async () => {
    const page = (await app().inject('/')).body
    const ticks = [...page.matchAll(/<text[^>]*class="tick">([^<]*)</g)].map((m) => m[1]!)
    // The seed's years with events, 1991 to 2023: every one named, the last included.
    expect(ticks).toEqual(['1991', '2018', '2020', '2023'])
    expect(page).toMatch(/class="panel">Killed \(top of scale 200\)</)
  })
})
