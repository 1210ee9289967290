import { describe, expect, it } from 'vitest'
import { addSyntheticEvents } from '../fixtures.ts'
import { buildTestApp, gql, versionReadAgain } from '../helper.ts'
import type { App } from '../../src/app.ts'
import { bumpVersion } from '../../src/db/dataset.ts'
import { fillEventDocuments } from '../../src/modules/events/stored.ts'

// Brief figures take the first-page read (firstCasualtiesOfEvents); `note` forces whole rows through
// the window read (ownerPages). Both must give the same pages.
const page = (fields: string) => `query ($from: PartialDate, $first: Int) { events(first: $first, filter: { from: $from }) { nodes {
  recordId casualtyReports { nodes { recordId low reportedPhrase ${fields} } pageInfo { hasNextPage hasPreviousPage endCursor } }
} } }`
const BRIEF = page('')
const WHOLE = page('note')

/** `n` more figures for one event, with ids that sort before, between and after its own. */
function addFigures(app: App, eventId: string, n: number) {
  const insert = app.storage.sqlite.prepare(`INSERT INTO casualty_reports (id, event_id, outcome, victim_group, low, qualifier, reported_phrase)
    VALUES (?, ?, 'injured', 'civilians', ?, 'at_least', ?)`)
  app.storage.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const prefix = ['a', eventId, 'zz'][i % 3]
      insert.run(`${prefix}-extra-${String(i).padStart(3, '0')}`, eventId, i, `at least ${i}`)
    }
    bumpVersion(app.storage.sqlite)
  })()
}

/**
 * The documents and relation briefs composed now rather than by the background refiller; with
 * `briefs` false, the briefs deleted, so that the figures are read from their table.
 */
function settle(app: App, briefs: boolean) {
  fillEventDocuments(app.storage.sqlite)
  if (!briefs) app.storage.sqlite.exec('DELETE FROM event_relation_briefs')
}

async function both(app: App, variables: Record<string, unknown>) {
  await versionReadAgain()
  const before = app.storage.statements.count
  const brief = await gql(app, BRIEF, variables)
  const statements = app.storage.statements.count - before
  const whole = await gql(app, WHOLE, variables)
  expect(brief.body.errors, JSON.stringify(brief.body.errors)).toBeUndefined()
  expect(whole.body.errors, JSON.stringify(whole.body.errors)).toBeUndefined()
  const strip = (nodes: any[]) => nodes.map((e) => ({ ...e, casualtyReports: { ...e.casualtyReports, nodes: e.casualtyReports.nodes.map(({ note: _n, ...c }: any) => c) } }))
  expect(brief.body.data.events.nodes).toEqual(strip(whole.body.data.events.nodes))
  return { nodes: brief.body.data.events.nodes as any[], statements }
}

describe('casualty reports under a page of events', () => {
  it('reads the first page of each event as the window does, an event with more figures than a page included', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 40)
    addFigures(app, 'synthetic-00005', 70)
    settle(app, false)
    const { nodes, statements } = await both(app, { from: '2024', first: 40 })
    const crowded = nodes.find((e) => e.recordId === 'synthetic-00005')!
    expect(crowded.casualtyReports.nodes).toHaveLength(50)
    expect(crowded.casualtyReports.pageInfo.hasNextPage).toBe(true)
    const ids = crowded.casualtyReports.nodes.map((c: any) => c.recordId)
    expect(ids).toEqual([...ids].sort())
    expect(ids[0]).toBe('a-extra-000')
    // The page read with its briefs (missing), its figures: one statement each.
    expect(statements).toBe(2)
    const other = nodes.find((e) => e.recordId === 'synthetic-00006')!
    expect(other.casualtyReports.nodes.map((c: any) => c.recordId)).toEqual(['synthetic-00006-killed'])
    expect(other.casualtyReports.pageInfo.hasNextPage).toBe(false)
  })

  it('pages through the window when the figures outnumber what the page may read', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 12)
    addFigures(app, 'synthetic-00005', 120)
    settle(app, false)
    // One event asked for: at most 51 figures are read at first, so its 121 send the read to the window.
    const { nodes, statements } = await both(app, { from: '2024-06-06', first: 1 })
    expect(nodes.map((e) => e.recordId)).toEqual(['synthetic-00005'])
    expect(nodes[0].casualtyReports.nodes).toHaveLength(50)
    expect(nodes[0].casualtyReports.pageInfo.hasNextPage).toBe(true)
    expect(statements).toBe(3)
  })

  it('reads the first pages from the stored briefs, which hold 201 figures an event', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 40)
    addFigures(app, 'synthetic-00005', 250)
    settle(app, true)
    for (const first of [40, 1]) {
      const { nodes, statements } = await both(app, { from: first === 1 ? '2024-06-06' : '2024', first })
      const crowded = nodes.find((e) => e.recordId === 'synthetic-00005')!
      expect(crowded.casualtyReports.nodes).toHaveLength(50)
      expect(crowded.casualtyReports.pageInfo.hasNextPage).toBe(true)
      // The page, read with its briefs.
      expect(statements).toBe(1)
    }
    // The largest page a connection gives, 200, and one more figure: the brief's whole list.
    const query = BRIEF.replace('casualtyReports {', 'casualtyReports(first: 200) {')
    const wide = await gql(app, query, { from: '2024-06-06', first: 1 })
    const whole = await gql(app, WHOLE.replace('casualtyReports {', 'casualtyReports(first: 200) {'), { from: '2024-06-06', first: 1 })
    const nodes = wide.body.data.events.nodes[0].casualtyReports
    expect(nodes.nodes).toHaveLength(200)
    expect(nodes.pageInfo.hasNextPage).toBe(true)
    expect(nodes.nodes).toEqual(whole.body.data.events.nodes[0].casualtyReports.nodes.map(({ note: _n, ...c }: any) => c))
  })

  it('pages on from a cursor under each event', async () => {
    const app = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(app.storage.sqlite, 12)
    addFigures(app, 'synthetic-00005', 60)
    const { nodes } = await both(app, { from: '2024-06-06', first: 1 })
    const after = nodes[0].casualtyReports.pageInfo.endCursor
    const { body } = await gql(app, `{ events(first: 1, filter: { from: "2024-06-06" }) { nodes { casualtyReports(after: "${after}") { nodes { recordId } pageInfo { hasNextPage hasPreviousPage } } } } }`)
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
    const rest = body.data.events.nodes[0].casualtyReports
    expect(rest.nodes).toHaveLength(11)
    expect(rest.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true })
  })
})
