import type Database from 'better-sqlite3'
import type { CasualtyRow } from '../modules/casualties/queries.ts'
import type { EventRow, Related } from '../modules/events/queries.ts'
import { relationBriefs, type RelationBrief } from '../modules/events/relation-briefs.ts'
import type { Pages } from './siblings.ts'

/**
 * The relations of a top-level page of events from their stored briefs: one statement for the
 * page's places, actors and first casualty reports, where each would be one of its own. Each
 * relation takes the brief only when the fields it is asked for are all in it (the keys below);
 * and a page with any brief missing (composed again after a write) reads its relations as before.
 */

/** The fields of an event answered from its brief. */
export const BRIEF_RELATIONS = ['place', 'actors', 'casualtyReports']

/** What a brief holds of a place and of an actor. */
export const PLACE_LINK_KEYS = ['id', 'name', 'latitude', 'longitude']
export const ACTOR_LINK_KEYS = ['id', 'name', 'kind']

export type BriefOf = (event: EventRow) => RelationBrief | undefined

/**
 * The brief of an event on a marked page: the one read with the row when the page was read with
 * its briefs, or else read for the whole page once; undefined when the event or its page has none.
 */
export function pageBriefs(sqlite: Database.Database, pages: Pages): BriefOf {
  const ofPage = pages.perPage((page) => {
    const events = [...new Map((page as EventRow[]).map((e) => [e.id, e])).values()]
    const briefs = relationBriefs(sqlite, events)
    if (!briefs) return null
    const byId = new Map<string, RelationBrief>()
    for (let i = 0; i < events.length; i++) byId.set(events[i]!.id, briefs[i]!)
    return byId
  })
  return (event) => {
    const read = (event as Related).relationBrief
    return read !== undefined ? read ?? undefined : ofPage(event)?.get(event.id)
  }
}

export function placeOfBrief(brief: RelationBrief) {
  const p = brief[0]
  return p && { id: p[0], name: p[1], latitude: p[2], longitude: p[3] }
}

export function actorsOfBrief(brief: RelationBrief) {
  const links = brief[1]
  const out = new Array<{ role: string, actor: { id: string, name: string, kind: string } }>(links.length)
  for (let i = 0; i < links.length; i++) {
    const l = links[i]!
    out[i] = { role: l[0], actor: { id: l[1], name: l[2], kind: l[3] } }
  }
  return out
}

/**
 * The first `limit + 1` casualty reports of each event, as firstCasualtiesOfEvents reads them (the
 * brief columns; the event's id and date from its row), or null unless every event has a brief.
 */
export function figuresOfBriefs(briefOf: BriefOf, events: readonly EventRow[], limit: number): Map<string, CasualtyRow[]> | null {
  const out = new Map<string, CasualtyRow[]>()
  for (const e of events) {
    const brief = briefOf(e)
    if (!brief) return null
    const figures = brief[2]
    const n = Math.min(figures.length, limit + 1)
    const rows = new Array<CasualtyRow>(n)
    for (let i = 0; i < n; i++) {
      const f = figures[i]!
      rows[i] = { id: f[0], eventId: e.id, outcome: f[1], victimGroup: f[2], low: f[3], high: f[4], best: f[5], qualifier: f[6], reportedPhrase: f[7], eventSortKey: e.startSortKey, updatedAt: f[8] } as unknown as CasualtyRow
    }
    out.set(e.id, rows)
  }
  return out
}
