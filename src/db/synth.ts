import type Database from 'better-sqlite3'
import { sortKeyOf } from '../domain/dates.ts'
import { ACTOR_KINDS, ACTOR_ROLES, CASUALTY_OUTCOMES, EVENT_TYPES, QUALIFIERS, STATEMENT_MEDIA, VICTIM_GROUPS } from '../domain/vocabulary.ts'
import { bumpVersion, readVersion } from './dataset.ts'
import { withSummariesDeferred } from './summaries.ts'
import { fillEventDocuments, withDocumentsDeferred } from '../modules/events/stored.ts'

/** mulberry32: a small seeded generator, so the same options always give the same database. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SynthOptions { events: number, seed?: number, batch?: number, onProgress?: (done: number) => void }
export interface SynthReport { events: number, actors: number, places: number, sources: number, casualtyReports: number, displacementCounts: number, statements: number, citations: number }

const WORDS = ['ceasefire', 'shelling', 'convoy', 'corridor', 'talks', 'border', 'village', 'refugees', 'checkpoint', 'statement', 'aid', 'evacuation', 'peacekeepers', 'negotiation', 'mountain', 'road']

/**
 * Adds a deterministic synthetic dataset beside whatever is there: `events` events with, in
 * proportions like a real conflict dataset, 2-4 actors each, a place, casualty reports on about a
 * third, displacement counts on a tenth, statements on a fifth, and one or two citations per record.
 * Ids start with "synth-" so they never collide with curated records. Written in transactional batches.
 */
export function synthesise(sqlite: Database.Database, o: SynthOptions): SynthReport {
  const report = withDocumentsDeferred(sqlite, () => withSummariesDeferred(sqlite, () => load(sqlite, o)))
  fillEventDocuments(sqlite)
  return report
}

function load(sqlite: Database.Database, o: SynthOptions): SynthReport {
  const rnd = random(o.seed ?? 20230919)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
  const nActors = Math.max(20, Math.round(o.events / 50))
  const nPlaces = Math.max(10, Math.round(o.events / 200))
  const nSources = Math.max(5, Math.round(o.events / 500))
  const report: SynthReport = { events: 0, actors: nActors, places: nPlaces, sources: nSources, casualtyReports: 0, displacementCounts: 0, statements: 0, citations: 0 }
  const pad = (n: number, w = 6) => String(n).padStart(w, '0')

  // Records carry the dataset version their write ends at (schema.ts `version`), as any write's do,
  // so a copy synchronised from the version before (GET /v1/changes) receives them.
  const stamp = readVersion(sqlite).version + 1
  const ins = {
    source: sqlite.prepare(`INSERT INTO sources (id, publisher, title, url, published_date, kind, language, version) VALUES (?, ?, ?, NULL, ?, 'news_report', 'en', ${stamp})`),
    actor: sqlite.prepare(`INSERT INTO actors (id, name, aliases, kind, affiliation_id, description, version) VALUES (?, ?, '[]', ?, ?, 'Synthetic actor', ${stamp})`),
    place: sqlite.prepare(`INSERT INTO places (id, name, aliases, kind, latitude, longitude, country_code, note, version) VALUES (?, ?, '[]', 'town', ?, ?, ?, 'Synthetic place', ${stamp})`),
    event: sqlite.prepare(`INSERT INTO events (id, title, summary, type, start, start_utc, date_precision, date_basis, date_note, place_id, version) VALUES (?, ?, ?, ?, ?, ?, 'day', ?, ?, ?, ${stamp})`),
    link: sqlite.prepare('INSERT OR IGNORE INTO event_actors (event_id, actor_id, role) VALUES (?, ?, ?)'),
    casualty: sqlite.prepare(`INSERT INTO casualty_reports (id, event_id, outcome, victim_group, low, high, best, qualifier, reported_phrase, reported_by_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${stamp})`),
    displacement: sqlite.prepare(`INSERT INTO displacement_counts (id, event_id, metric, low, high, best, qualifier, reported_phrase, origin_place_id, destination_place_id, as_of, as_of_utc, as_of_precision, as_of_basis, reported_by_id, version) VALUES (?, ?, 'displaced', ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'day', 'stated', ?, ${stamp})`),
    statement: sqlite.prepare(`INSERT INTO statements (id, speaker_id, said_at, said_at_utc, date_precision, date_basis, medium, quote, summary, version) VALUES (?, ?, ?, ?, 'day', 'stated', ?, ?, ?, ${stamp})`),
    about: sqlite.prepare('INSERT INTO statement_events (statement_id, event_id) VALUES (?, ?)'),
    cite: sqlite.prepare('INSERT INTO citations (record_type, record_id, source_id, paragraph, locator, quote) VALUES (?, ?, ?, ?, ?, ?)'),
  }
  const cite = (type: string, id: string) => {
    const n = rnd() < 0.3 ? 2 : 1
    let first = ''
    for (let i = 0; i < n; i++) {
      let para = 1 + Math.floor(rnd() * 30)
      const source = `synth-source-${pad(Math.floor(rnd() * nSources))}`
      // The write rules refuse a record citing the same paragraph twice: a second draw that repeats
      // the first moves to the next paragraph (no extra draw, so every other record stays the same).
      if (`${source}|${para}` === first) para = (para % 30) + 1
      first = `${source}|${para}`
      ins.cite.run(type, id, source, para, `para. ${para}`, null)
      report.citations++
    }
  }

  sqlite.transaction(() => {
    for (let i = 0; i < nSources; i++) {
      const d = new Date(Date.UTC(2020, 0, 1) + Math.floor(rnd() * 1500) * 86400000).toISOString().slice(0, 10)
      ins.source.run(`synth-source-${pad(i)}`, `Synthetic Wire ${i % 40}`, `Report ${i}`, d)
    }
    for (let i = 0; i < nActors; i++) {
      const parent = i > 10 && rnd() < 0.3 ? `synth-actor-${pad(Math.floor(rnd() * 10))}` : null
      ins.actor.run(`synth-actor-${pad(i)}`, `Synthetic Actor ${i}`, pick(ACTOR_KINDS), parent)
    }
    for (let i = 0; i < nPlaces; i++) {
      ins.place.run(`synth-place-${pad(i)}`, `Synthetic Place ${i}`, 38 + rnd() * 3, 44 + rnd() * 4, rnd() < 0.5 ? 'AZ' : 'AM')
    }
  })()

  const batch = o.batch ?? 5000
  const start = Date.UTC(2020, 0, 1)
  for (let from = 0; from < o.events; from += batch) {
    sqlite.transaction(() => {
      for (let i = from; i < Math.min(o.events, from + batch); i++) {
        const id = `synth-event-${pad(i, 7)}`
        const day = new Date(start + Math.floor(rnd() * 1460) * 86400000).toISOString().slice(0, 10)
        const w1 = pick(WORDS), w2 = pick(WORDS)
        ins.event.run(id, `Synthetic ${w1} ${i}`, `Generated record about ${w1} and ${w2} near place ${i % nPlaces}.`, pick(EVENT_TYPES),
          day, sortKeyOf(day), rnd() < 0.8 ? 'stated' : 'inferred', 'Synthetic date', `synth-place-${pad(Math.floor(rnd() * nPlaces))}`)
        const nLinks = 2 + Math.floor(rnd() * 3)
        for (let k = 0; k < nLinks; k++) ins.link.run(id, `synth-actor-${pad(Math.floor(rnd() * nActors))}`, pick(ACTOR_ROLES))
        cite('event', id)
        if (rnd() < 0.33) {
          const n = 1 + Math.floor(rnd() * 2)
          for (let k = 0; k < n; k++) {
            const cid = `${id}-c${k}`
            const low = Math.floor(rnd() * 200)
            const q = pick(QUALIFIERS)
            // Bounds as the data model reads the words: "at least N" and "more than N" are lower
            // bounds (N and N + 1), "up to N" an upper one, "exact" one value, "about N" a best
            // estimate with no bounds.
            const bounds = q === 'up_to' ? [null, low, null] : q === 'exact' ? [low, low, low] : q === 'about' ? [null, null, low] : [q === 'more_than' ? low + 1 : low, null, null]
            ins.casualty.run(cid, id, pick(CASUALTY_OUTCOMES), pick(VICTIM_GROUPS), ...bounds, q,
              `${q.replace('_', ' ')} ${low}`, `synth-actor-${pad(Math.floor(rnd() * nActors))}`)
            report.casualtyReports++
            cite('casualty_report', cid)
          }
        }
        if (rnd() < 0.1) {
          const did = `${id}-d`
          const n = Math.floor(rnd() * 10000)
          // An estimate with the lower bound its synthetic source states beside it, so figure ranges select some.
          ins.displacement.run(did, id, n, n, 'about', `about ${n}`, `synth-place-${pad(Math.floor(rnd() * nPlaces))}`,
            `synth-place-${pad(Math.floor(rnd() * nPlaces))}`, day, sortKeyOf(day), `synth-actor-${pad(Math.floor(rnd() * nActors))}`)
          report.displacementCounts++
          cite('displacement_count', did)
        }
        if (rnd() < 0.2) {
          const sid = `${id}-s`
          ins.statement.run(sid, `synth-actor-${pad(Math.floor(rnd() * nActors))}`, day, sortKeyOf(day), pick(STATEMENT_MEDIA),
            `We said something about ${pick(WORDS)}.`, `Synthetic statement on ${w2}.`)
          ins.about.run(sid, id)
          report.statements++
          cite('statement', sid)
        }
        report.events++
      }
    })()
    o.onProgress?.(Math.min(o.events, from + batch))
  }
  bumpVersion(sqlite)
  return report
}
