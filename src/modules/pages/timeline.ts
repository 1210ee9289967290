import { EVENT_TYPES } from '../../domain/vocabulary.ts'
import { encodeCursor } from '../../http/cursor.ts'
import type { FacetField } from '../stats/facets.ts'
import { histogram } from './histogram.ts'
import { html, raw, type Html } from './html.ts'
import { formatCount as n, pageHref, queryOf, type PageFilters } from './links.ts'
import { placeMap } from './map.ts'
import { displayDate, eventBody, layout } from './render.ts'
import type { PageEvent } from './data.ts'
import type { TimelineView } from './view.ts'

const label = (s: string) => s.replaceAll('_', ' ')
const FACET_TITLE: Record<FacetField, string> = { type: 'Type', place: 'Place', actor: 'Actor' }

/** The filters in force, each with a link that removes it alone. */
function activeFilters(v: TimelineView): Html {
  const f = v.filters
  const chips: [string, Partial<PageFilters>][] = []
  if (f.from) chips.push([`From ${f.from}`, { from: undefined }])
  if (f.to) chips.push([`To ${f.to}`, { to: undefined }])
  if (f.type?.length) chips.push([`Type: ${f.type.map(label).join(', ')}`, { type: undefined }])
  if (f.place) chips.push([`Place: ${v.names.place ?? f.place}`, { place: undefined }])
  if (f.actor) chips.push([`Actor: ${v.names.actor ?? f.actor}`, { actor: undefined }])
  if (chips.length === 0) return html`<p class="meta">Showing every event. Choose a bar, a place or a facet to narrow the view.</p>`
  return html`<ul class="active" aria-label="Filters in force">${chips.map(([text, patch]) => html`<li>${text} <a href="${pageHref(f, patch)}" aria-label="Remove the filter ${text}">remove</a></li>`)}
    <li><a href="/">Clear all</a></li></ul>`
}

function facets(v: TimelineView): Html {
  const f = v.filters
  return html`<aside class="facets" aria-labelledby="facets-heading"><h2 id="facets-heading">Narrow by</h2>
  ${(['type', 'place', 'actor'] as const).map((field) => {
    const values = v.facets.values[field]
    if (v.facets.cutShort.includes(field)) return html`<h3>${FACET_TITLE[field]}</h3><p class="meta">Too many events to count in time; narrow the view first.</p>`
    if (!values?.length) return ''
    // The view filters by one actor: beside it, the others are counted (events with both), not linked.
    const alongside = field === 'actor' && f.actor !== undefined
    return html`<h3>${FACET_TITLE[field]}</h3>${alongside ? html`<p class="meta">Taking part beside the chosen actor, with the events they share.</p>` : ''}<ul>${values.map((x) => {
      const active = field === 'type' ? f.type?.length === 1 && f.type[0] === x.value : f[field] === x.value
      return html`<li>${active ? html`<strong>${x.label}</strong>` : alongside ? html`<span>${x.label}</span>` : html`<a href="${pageHref(f, { [field]: field === 'type' ? [x.value] : x.value })}" class="facet" data-field="${field}" data-value="${x.value}">${x.label}</a>`} <span class="count">${n(x.count)}</span></li>`
    })}</ul>`
  })}</aside>`
}

/** Bytes of a whole page; the list gets what the charts and facets leave, and stops early when full. */
export const PAGE_BUDGET = 300 * 1024
const LIST_MAX = 150_000

function eventList(v: TimelineView, budget: number): Html {
  const shown: [PageEvent, Html][] = []
  let used = 0
  for (const e of v.list.events) {
    const h = html`<li><article id="${e.event.id}">${eventBody(e, 'h4')}</article></li>`
    if (shown.length && used + h.value.length + 200 > budget) break
    // The day headings around the events add up to some 200 bytes an event.
    shown.push([e, h]); used += h.value.length + 200
  }
  const days = new Map<string, Html[]>()
  for (const [e, h] of shown) {
    const key = e.event.start.slice(0, 10)
    days.set(key, [...(days.get(key) ?? []), h])
  }
  const first = shown[0]?.[0].event, last = shown[shown.length - 1]?.[0].event
  const later = v.list.later || shown.length < v.list.events.length
  const pager = html`<nav class="pager" aria-label="Pages of events">
    ${v.list.earlier && first ? html`<a href="${pageHref(v.filters, {}, { before: encodeCursor('-date', [first.startSortKey, first.id]) })}" rel="prev">← Earlier events</a>` : ''}
    ${later && last ? html`<a href="${pageHref(v.filters, {}, { after: encodeCursor('date', [last.startSortKey, last.id]) })}" rel="next">Later events →</a>` : ''}
  </nav>`
  return html`<section class="list" aria-labelledby="timeline-heading">
  <h2 id="timeline-heading">Events <span class="meta">(${n(shown.length)} shown of ${n(v.total)}, in date order)</span></h2>
  ${shown.length === 0 ? html`<p>No event matches these filters.</p>` : ''}
  ${[...days.entries()].map(([day, items]) => html`<section class="day" aria-label="${displayDate(day)}">
    <h3><time datetime="${day}">${displayDate(day)}</time></h3>
    <ol class="events">${items}</ol>
  </section>`)}
  ${pager}
</section>`
}

export function renderTimeline(v: TimelineView, error?: string): string {
  const f = v.filters
  const qs = queryOf(f)
  const sep = qs ? `?${qs}&` : '?'
  const charts = html`${histogram(v.overview, f)}`
  const map = v.map ? placeMap(v.map.places, v.map.more, f) : html`<p>Too many events in this view to map in time; narrow it by date, place or actor.</p>`
  const side = facets(v)
  // What is left of the page budget after the other parts and the frame (style, header, form: under 12 KB).
  const budget = Math.min(LIST_MAX, PAGE_BUDGET - 12_000 - charts.value.length - map.value.length - side.value.length)
  const body = html`
<p class="lede">${v.dataset.lede}</p>
<section aria-labelledby="overview-heading">
  <h2 id="overview-heading">When</h2>
  ${activeFilters(v)}
  ${error ? html`<p role="alert" class="cite">${error}</p>` : ''}
  ${charts}
</section>
<section aria-labelledby="map-heading">
  <h2 id="map-heading">Where</h2>
  ${map}
</section>
<div class="browse">
${side}
${eventList(v, budget)}
</div>
<section aria-labelledby="filters-heading">
  <h2 id="filters-heading">Dates and data</h2>
  <form method="get" action="/">
    <label>From <input type="date" name="from" value="${f.from ?? ''}"></label>
    <label>To <input type="date" name="to" value="${f.to ?? ''}"></label>
    <label>Type <select name="type"><option value="">any type</option>${EVENT_TYPES.map((t) => html`<option value="${t}"${f.type?.length === 1 && f.type[0] === t ? raw(' selected') : ''}>${label(t)}</option>`)}</select></label>
    ${f.place ? html`<input type="hidden" name="place" value="${f.place}">` : ''}${f.actor ? html`<input type="hidden" name="actor" value="${f.actor}">` : ''}
    <button type="submit">Show</button>
  </form>
  <ul class="links" aria-label="This view as data">
    <li><a href="/v1/events${sep}limit=200">JSON</a></li>
    <li><a href="/v1/events${sep}limit=200&amp;format=csv">CSV</a></li>
    <li><a href="/v1/stats/events${sep}groupBy=period&amp;period=${v.overview.period}">Counts per ${v.overview.period}</a></li>
    <li><a href="/v1/stats/events${sep}groupBy=place&amp;format=csv">Counts per place (CSV)</a></li>
    <li><a href="/v1/events.geojson${qs ? `?${qs}` : ''}">GeoJSON</a></li>
    <li><a href="/v1/export${sep}format=ndjson">Full export (NDJSON)</a></li>
  </ul>
  <p class="cite">Dataset version ${v.dataset.version}, updated ${v.dataset.updatedAt.slice(0, 10)}. ${v.dataset.licence}</p>
</section>`
  return layout(v.dataset.title, qs ? `/?${qs}` : '/', body).toString()
}
