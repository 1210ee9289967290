import type { z } from 'zod'
import type { EventView } from './queries.ts'
// Types only: the routes' response schemas document what these write, and tsc keeps the two alike.
import type { EventFeature, TimelineJs } from './schemas.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const REPORTED = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2})?(Z|[+-]\d{2}:\d{2}))?)?)?$/

/** A reported date as a person reads it, no more precise than it was reported: "24 Sep 2023, 18:00 UTC+4". */
export function displayDate(reported: string): string {
  const m = REPORTED.exec(reported)
  if (!m) return reported
  const [, y, mo, d, h, mi, off] = m
  let out = y!
  if (mo) out = `${MONTHS[Number(mo) - 1]} ${out}`
  if (d) out = `${Number(d)} ${out}`
  if (h) {
    const offset = off === 'Z' ? 'UTC' : `UTC${off!.replace(/:00$/, '').replace(/^([+-])0/, '$1')}`
    out += `, ${h}:${mi} ${offset}`
  }
  return out
}

/** The date parts TimelineJS takes, as far as the precision allows; times stay in their reported offset. */
export function timelineDate(reported: string | null) {
  if (!reported) return undefined
  const m = REPORTED.exec(reported)
  if (!m) return undefined
  const [, y, mo, d, h, mi] = m
  return {
    year: Number(y),
    ...(mo ? { month: Number(mo) } : {}),
    ...(d ? { day: Number(d) } : {}),
    ...(h ? { hour: Number(h), minute: Number(mi) } : {}),
    display_date: displayDate(reported),
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** `base` starts each event's URL, as nextUrl's. */
export function toGeoJson(views: EventView[], truncated: boolean, base = '') {
  return {
    type: 'FeatureCollection' as const,
    features: views.filter((v) => v.place?.latitude != null && v.place.longitude != null).map((v): z.infer<typeof EventFeature> => ({
      type: 'Feature' as const,
      id: v.event.id,
      geometry: { type: 'Point' as const, coordinates: [v.place!.longitude!, v.place!.latitude!] },
      properties: {
        id: v.event.id,
        title: v.event.title,
        type: v.event.type,
        start: v.event.start,
        end: v.event.end,
        date: displayDate(v.event.start),
        datePrecision: v.event.datePrecision,
        dateBasis: v.event.dateBasis,
        place: v.place!.name,
        summary: v.event.summary,
        figures: v.figures.map((f) => `${f.phrase} (${f.sources})`),
        sources: v.sources,
        url: `${base}/v1/events/${v.event.id}`,
      },
    })),
    truncated,
  }
}

/** The Knight Lab TimelineJS format: a title slide, one slide per event grouped by type, and eras. */
export function toTimelineJs(views: EventView[]): z.infer<typeof TimelineJs> {
  const events = views.map((v) => {
    const figures = v.figures.map((f) => `<li>${escapeHtml(f.phrase)} <small>(${escapeHtml(f.detail)}; ${escapeHtml(f.sources)})</small></li>`).join('')
    const basis = v.event.dateBasis === 'stated' ? '' : `<p><small>Date ${v.event.dateBasis}: ${escapeHtml(v.event.dateNote ?? '')}</small></p>`
    return {
      unique_id: v.event.id,
      start_date: timelineDate(v.event.start)!,
      ...(v.event.end ? { end_date: timelineDate(v.event.end)! } : {}),
      text: {
        headline: escapeHtml(v.event.title),
        text: `<p>${escapeHtml(v.event.summary)}</p>${figures ? `<ul>${figures}</ul>` : ''}${basis}<p><small>Source: ${escapeHtml(v.sources)}</small></p>`,
      },
      group: v.event.type.replaceAll('_', ' '),
      ...(v.place ? { location: { name: v.place.name, lat: v.place.latitude, lon: v.place.longitude } } : {}),
    }
  })
  const before = views.filter((v) => v.event.startSortKey < '2023-09-01')
  const after = views.filter((v) => v.event.startSortKey >= '2023-09-01')
  const era = (list: EventView[], headline: string) => ({
    start_date: timelineDate(list[0]!.event.start)!,
    end_date: timelineDate(list[list.length - 1]!.event.end ?? list[list.length - 1]!.event.start)!,
    text: { headline },
  })
  return {
    title: {
      text: {
        headline: 'Nagorno-Karabakh, September 2023: offensive and exodus',
        text: '<p>Each figure is shown in the words it was reported with, with its source.</p>',
      },
    },
    events,
    eras: [
      ...(before.length ? [era(before, 'Background')] : []),
      ...(after.length ? [era(after, 'The September 2023 offensive and exodus')] : []),
    ],
  }
}
