import { describe, expect, it } from 'vitest'
import { seedData } from '../../seed/data.ts'
import { addSyntheticEvents } from '../fixtures.ts'
import { getJson, gql, sharedApp, versionReadAgain } from '../helper.ts'

const app = sharedApp()

// Every root connection, with the REST list holding the same records (for counts) and a field to
// tell its rows apart.
const ROOTS: { field: string, args: string, rest: string }[] = [
  { field: 'events', args: '', rest: '/v1/events' },
  { field: 'events', args: 'orderBy: DATE_DESC', rest: '/v1/events?sort=-date' },
  { field: 'actors', args: '', rest: '/v1/actors' },
  { field: 'places', args: '', rest: '/v1/places' },
  { field: 'casualtyReports', args: '', rest: '/v1/casualty-reports' },
  { field: 'displacementCounts', args: '', rest: '/v1/displacement-counts' },
  { field: 'statements', args: '', rest: '/v1/statements' },
  { field: 'sources', args: '', rest: '/v1/sources' },
]

async function restIds(url: string): Promise<string[]> {
  const sep = url.includes('?') ? '&' : '?'
  return (await getJson(app(), `${url}${sep}limit=200`)).body.data.map((r: { id: string }) => r.id)
}

/** Walks a connection one page at a time, forward with first/after or backward with last/before. */
async function walk(field: string, args: string, backward: boolean, size = 2) {
  const ids: string[] = []
  let cursor: string | null = null
  for (let guard = 0; guard < 100; guard++) {
    const paging: string = backward ? `last: ${size}${cursor ? `, before: "${cursor}"` : ''}` : `first: ${size}${cursor ? `, after: "${cursor}"` : ''}`
    const { body }: { body: any } = await gql(app(), `{ page: ${field}(${[args, paging].filter(Boolean).join(', ')}) {
      totalCount edges { cursor node { recordId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`)
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
    const { edges, pageInfo }: { edges: { cursor: string, node: { recordId: string } }[], pageInfo: Record<string, any> } = body.data.page
    expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null)
    expect(pageInfo.endCursor).toBe(edges[edges.length - 1]?.cursor ?? null)
    // The flag away from the paging direction is exact: true once a page has been turned.
    expect(backward ? pageInfo.hasNextPage : pageInfo.hasPreviousPage).toBe(cursor !== null)
    const page = edges.map((e: { node: { recordId: string } }) => e.node.recordId)
    ids.splice(backward ? 0 : ids.length, 0, ...page)
    if (!(backward ? pageInfo.hasPreviousPage : pageInfo.hasNextPage)) return { ids, totalCount: body.data.page.totalCount as number }
    cursor = backward ? pageInfo.startCursor : pageInfo.endCursor
  }
  throw new Error('did not reach the end')
}

describe('Relay connections', () => {
  it.each(ROOTS)('$field($args) pages forward and backward over the same records, and totalCount counts them', async ({ field, args, rest }) => {
    const expected = await restIds(rest)
    const forward = await walk(field, args, false)
    const backward = await walk(field, args, true)
    expect(forward.ids).toEqual(expected)
    expect(backward.ids).toEqual(expected)
    expect(forward.totalCount).toBe(expected.length)
  })

  it('pages an actor\'s events and statements, and an event\'s statements, both ways', async () => {
    const actor = 'azerbaijan'
    const rest = await restIds(`/v1/actors/${actor}/events`)
    const nested = async (paging: string) => (await gql(app(), `{ actor(id: "${actor}") { events(${paging}) {
      totalCount nodes { recordId } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`)).body.data.actor.events
    const first = await nested('first: 2')
    expect(first.totalCount).toBe(rest.length)
    expect(first.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(rest.slice(0, 2))
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false })
    const next = await nested(`first: 2, after: "${first.pageInfo.endCursor}"`)
    expect(next.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(rest.slice(2, 4))
    expect(next.pageInfo.hasPreviousPage).toBe(true)
    const last = await nested('last: 1')
    expect(last.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(rest.slice(-1))
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: rest.length > 1 })
    const before = await nested(`last: 10, before: "${last.pageInfo.startCursor}"`)
    expect(before.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(rest.slice(0, -1).slice(-10))
    expect(before.pageInfo.hasNextPage).toBe(true)

    const speaker = seedData.statements[0]!.speaker
    const said = seedData.statements.filter((s) => s.speaker === speaker).map((s) => s.id).sort()
    const { body } = await gql(app(), `{ actor(id: "${speaker}") { statements(first: 200) { totalCount nodes { recordId } } } }`)
    expect(body.data.actor.statements.totalCount).toBe(said.length)
    expect(body.data.actor.statements.nodes.map((n: { recordId: string }) => n.recordId).sort()).toEqual(said)

    const event = seedData.statements.find((s) => s.events?.length)!.events![0]!
    const about = (await restIds(`/v1/statements?event=${event}`))
    const e = await gql(app(), `{ event(id: "${event}") { statements(last: 200) { totalCount nodes { recordId } } } }`)
    expect(e.body.data.event.statements.totalCount).toBe(about.length)
    expect(e.body.data.event.statements.nodes.map((n: { recordId: string }) => n.recordId)).toEqual(about)
  })

  it('pages search hits and revisions', async () => {
    const all = (await gql(app(), '{ search(q: "armenia", first: 200) { totalCount nodes { recordType recordId node { id } } } }')).body.data.search
    expect(all.totalCount).toBe(all.nodes.length)
    expect(all.nodes.length).toBeGreaterThan(3)
    for (const h of all.nodes) expect(h.node.id).toBe(`${h.recordType === 'EVENT' ? 'Event' : 'Statement'}:${h.recordId}`)
    const forward = await walk('search', 'q: "armenia"', false, 3)
    const backward = await walk('search', 'q: "armenia"', true, 3)
    const ids = all.nodes.map((h: { recordId: string }) => h.recordId)
    expect(forward.ids).toEqual(ids)
    expect(backward.ids).toEqual(ids)
    const none = (await gql(app(), '{ event(id: "agreement-2020") { revisions(last: 5) { totalCount nodes { id } pageInfo { hasPreviousPage } } } }')).body.data.event.revisions
    expect(none).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasPreviousPage: false } })
  })

  it('refuses first with last, and out-of-range sizes, with INVALID_PARAMETER; a bad cursor with INVALID_CURSOR', async () => {
    for (const [q, code] of [
      ['{ events(first: 1, last: 1) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ events(last: 0) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ events(last: 201) { totalCount } }', 'INVALID_PARAMETER'],
      ['{ actor(id: "azerbaijan") { events(last: 500) { totalCount } } }', 'INVALID_PARAMETER'],
      ['{ events(last: 2, before: "garbage") { totalCount } }', 'INVALID_CURSOR'],
      ['{ search(q: "armenia", after: "WyJkYXRlIiwiMjAyMyJd") { totalCount } }', 'INVALID_CURSOR'],
      // An empty cursor is a damaged one, as REST's empty `cursor=` is, not the first page.
      ['{ events(first: 2, after: "") { nodes { id } } }', 'INVALID_CURSOR'],
      ['{ events(last: 2, before: "") { nodes { id } } }', 'INVALID_CURSOR'],
      ['{ actor(id: "azerbaijan") { events(first: 2, after: "") { nodes { id } } } }', 'INVALID_CURSOR'],
      ['{ search(q: "armenia", after: "") { nodes { __typename } } }', 'INVALID_CURSOR'],
      ['{ eventStats(groupBy: [TYPE], after: "") { rows { events } } }', 'INVALID_CURSOR'],
      ['{ casualtyReports(first: 2, after: "") { nodes { id } } }', 'INVALID_CURSOR'],
    ]) {
      const { body } = await gql(app(), q!)
      expect(body.errors?.[0]?.extensions.code, q).toBe(code)
    }
  })
})

describe('totalCount', () => {
  /** Statements a stats task with one statement of its own runs: the read transaction and the version. */
  const taskCost = async () => {
    await app().stats.run('countEvents', { filters: { type: ['attack'] } })
    const before = app().storage.statements.count
    await app().stats.run('countEvents', { filters: { type: ['attack'] } })
    return app().storage.statements.count - before
  }

  it('runs its count only when selected, and counts under the filters', async () => {
    const sql = () => app().storage.statements.count
    const q = (extra: string) => `{ events(first: 3, filter: { type: [OFFENSIVE, CEASEFIRE] }) { nodes { recordId } ${extra} } }`
    await gql(app(), q(''))
    await gql(app(), q('totalCount'))
    let before = sql()
    await gql(app(), `${q('')} `)
    const without = sql() - before
    before = sql()
    const { body } = await gql(app(), `${q('totalCount')}  `)
    const withCount = sql() - before
    // The count is a stats task (on the workers where there are any; here, inline): its statement
    // and the snapshot it reads in.
    expect(withCount).toBe(without + await taskCost())
    expect(body.data.events.totalCount).toBe((await restIds('/v1/events?type=offensive,ceasefire')).length)
  })

  it('runs only its count when a connection is asked for nothing else', async () => {
    const sql = () => app().storage.statements.count
    const cost = async (q: string) => {
      await gql(app(), q)
      await versionReadAgain()
      const before = sql()
      await gql(app(), q + ' ')
      return sql() - before
    }
    const base = await cost('{ __typename }')
    for (const field of ['events', 'casualtyReports', 'statements', 'displacementCounts']) {
      expect(await cost(`{ ${field}(first: 5) { totalCount } }`), field).toBe(base + await taskCost())
    }
    expect(await cost('{ actors(first: 5) { totalCount } }')).toBe(base + 1)
    // Search first reads the index's size and counts, up to a cap, how common its words are (where
    // and how it ranks them depends on both).
    expect(await cost('{ search(q: "armenia") { totalCount } }')).toBe(base + 3)
    // A bad cursor is refused even when no rows are read.
    const bad = await gql(app(), '{ events(after: "garbage") { totalCount } }')
    expect(bad.body.errors?.[0]?.extensions.code).toBe('INVALID_CURSOR')
  })

  it('counts an actor\'s events for a whole page of actors in one statement', async () => {
    const sql = () => app().storage.statements.count
    const q = (n: number) => `{ actors(first: ${n}) { nodes { events(first: 1) { totalCount } } } } `
    await gql(app(), q(2))
    let before = sql()
    await gql(app(), q(2) + ' ')
    const small = sql() - before
    before = sql()
    const { body } = await gql(app(), q(20) + '  ')
    expect(sql() - before).toBe(small)
    expect(body.data.actors.nodes.length).toBe(20)
  })
})

describe('the record budget', () => {
  it('counts last like first, and a connection read without either as its default page', async () => {
    for (const q of [
      '{ actors(first: 200) { nodes { events { nodes { statements { nodes { recordId } } } } } } }',
      '{ actors(last: 200) { nodes { events(last: 200) { edges { node { recordId } } } } } }',
      'query { actors(first: 200) { nodes { events { ...Rows } } } } fragment Rows on EventConnection { nodes { statements { ... on StatementConnection { nodes { recordId } } } } }',
    ]) {
      const { body } = await gql(app(), q)
      expect(body.errors?.[0]?.extensions.code, q).toBe('GRAPHQL_LIMIT_EXCEEDED')
    }
    // Counts alone read no rows.
    const counts = await gql(app(), '{ actors(first: 200) { nodes { events { totalCount } statements { totalCount } } } }')
    expect(counts.body.errors).toBeUndefined()
  })
})

describe('Node and global ids', () => {
  const TYPES: [string, string, string][] = [
    ['Event', 'event', seedData.events[0]!.id], ['Actor', 'actor', 'azerbaijan'], ['Place', 'place', 'azerbaijan'],
    ['Source', 'source', seedData.sources[0]!.id], ['Statement', 'statement', seedData.statements[0]!.id],
    ['CasualtyReport', 'casualtyReport', seedData.casualtyReports[0]!.id], ['DisplacementCount', 'displacementCount', seedData.displacementCounts[0]!.id],
  ]

  it.each(TYPES)('a %s has a global id that node(id:) refetches, and its field takes either id', async (type, field, slug) => {
    const byOwn = await gql(app(), `{ r: ${field}(id: "${slug}") { id recordId __typename } }`)
    expect(byOwn.body.data.r).toEqual({ id: `${type}:${slug}`, recordId: slug, __typename: type })
    const byGlobal = await gql(app(), `{ r: ${field}(id: "${type}:${slug}") { recordId } }`)
    expect(byGlobal.body.data.r.recordId).toBe(slug)
    const node = await gql(app(), `query ($id: ID!) { node(id: $id) { id __typename ... on ${type} { recordId } } }`, { id: `${type}:${slug}` })
    expect(node.body.data.node).toEqual({ id: `${type}:${slug}`, __typename: type, recordId: slug })
  })

  it('tells apart records of different types that share a slug, and refuses a global id of the wrong type', async () => {
    const { body } = await gql(app(), '{ nodes(ids: ["Actor:azerbaijan", "Place:azerbaijan", "Event:nope", "nonsense", "Colour:red"]) { __typename id } }')
    expect(body.data.nodes).toEqual([{ __typename: 'Actor', id: 'Actor:azerbaijan' }, { __typename: 'Place', id: 'Place:azerbaijan' }, null, null, null])
    const wrong = await gql(app(), '{ events(filter: { actor: "Place:azerbaijan" }) { totalCount } }')
    expect(wrong.body.errors?.[0]?.extensions.code).toBe('INVALID_PARAMETER')
    const right = await gql(app(), '{ a: events(filter: { actor: "Actor:azerbaijan" }) { totalCount } b: events(filter: { actor: "azerbaijan" }) { totalCount } }')
    expect(right.body.data.a.totalCount).toBe(right.body.data.b.totalCount)
    expect(right.body.data.a.totalCount).toBeGreaterThan(0)
    const many = await gql(app(), `{ nodes(ids: [${Array.from({ length: 201 }, () => '"Actor:azerbaijan"').join(', ')}]) { id } }`)
    expect(many.body.errors?.[0]?.extensions.code).toBe('INVALID_PARAMETER')
  })
})

describe('paging at scale', () => {
  it('keeps the same statements per request whatever the page, with backward pages', async () => {
    const { buildTestApp } = await import('../helper.ts')
    const big = await buildTestApp({ cacheMaxEntries: 0 })
    addSyntheticEvents(big.storage.sqlite, 500)
    const q = (n: number) => `{ events(last: ${n}) { totalCount nodes { recordId actors { actor { name } } } pageInfo { hasPreviousPage hasNextPage } } }`
    await gql(big, q(10))
    const counts: number[] = []
    for (const n of [10, 100, 200]) {
      const before = big.storage.statements.count
      const { body } = await gql(big, q(n))
      counts.push(big.storage.statements.count - before)
      expect(body.data.events.nodes).toHaveLength(n)
      expect(body.data.events.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false })
    }
    expect(new Set(counts).size).toBe(1)
  })
})
