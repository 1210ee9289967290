import { EVENT_TYPES } from '../../domain/vocabulary.ts'
import type { EventFilters } from '../events/queries.ts'
import type { ActorRow } from '../actors/queries.ts'
import type { CitationRow } from '../sources/queries.ts'
import { barChart, figureBar } from './charts.ts'
import type { Casualty, Displacement, PageEvent, Statement } from './data.ts'
import { displayDate, figureText, METRIC_LABEL } from './figures.ts'
import { html, raw, type Html } from './html.ts'

const STYLE = raw(`
:root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --rule: #d8d8d8; --accent: #8a1c1c; --bg: #fcfbf9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 Georgia, 'Times New Roman', serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 58rem; margin: 0 auto; padding: 0 1rem; }
header { border-bottom: 2px solid var(--ink); padding-top: 1rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--rule); margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; color: var(--accent); }
h4 { font-size: 1.1rem; margin: 0 0 .2rem; }
a { color: var(--accent); }
a:focus, button:focus, select:focus, input:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
nav ul, .links { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-family: system-ui, sans-serif; font-size: .9rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .3rem; }
form { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; font-family: system-ui, sans-serif; font-size: .9rem; }
label { display: flex; flex-direction: column; gap: .2rem; }
input, select, button { font: inherit; padding: .3rem .4rem; min-height: 2.2rem; }
ol.events { list-style: none; padding: 0; margin: 0; }
article { border-left: 3px solid var(--rule); padding: .2rem 0 .2rem .9rem; margin: 0 0 1.2rem; }
.meta { font-family: system-ui, sans-serif; font-size: .85rem; color: var(--muted); margin: 0 0 .4rem; }
.type { text-transform: uppercase; letter-spacing: .04em; }
ul.figures { padding-left: 1.1rem; } .figure { font-weight: bold; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-left: 3px solid var(--accent); background: #f3efe9; }
blockquote footer { font-family: system-ui, sans-serif; font-size: .85rem; color: var(--muted); padding: 0; }
.cite { font-family: system-ui, sans-serif; font-size: .8rem; color: var(--muted); }
.chart { margin: 1rem 0; } .chart svg { width: 100%; max-width: 42rem; height: auto; font-family: system-ui, sans-serif; }
.bar-label { font-size: 12px; fill: var(--ink); } .bar-value { font-size: 12px; fill: var(--ink); font-weight: bold; } .bar-value.inside { fill: #fff; }
.bar-fill { fill: var(--accent); } .bar-fill.open { fill: #c0605f; } .bar-arrow { fill: #c0605f; }
figcaption { font-family: system-ui, sans-serif; font-size: .85rem; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: bold; }
footer.page { margin-top: 3rem; border-top: 1px solid var(--rule); font-size: .85rem; color: var(--muted); padding-bottom: 2rem; }
@media (max-width: 40rem) { body { font-size: 15px; } h1 { font-size: 1.3rem; } dl { grid-template-columns: 1fr; } }
`)

const label = (s: string) => s.replaceAll('_', ' ')

function layout(title: string, canonical: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="canonical" href="${canonical}">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#content">Skip to the timeline</a>
<header>
  <p class="meta">Conflict Timeline</p>
  <h1>${title}</h1>
  <nav aria-label="Data and documentation">
    <ul><li><a href="/">Timeline</a></li><li><a href="/docs">REST API docs</a></li><li><a href="/graphiql">GraphQL explorer</a></li><li><a href="/v1/dataset">Dataset and licence</a></li></ul>
  </nav>
</header>
<main id="content">${body}</main>
<footer class="page"><p>Every fact is cited to the paragraph of its source. Dates not stated by a source are marked as inferred or taken from an external reference, with a note. Claims stay attributed to whoever made them.</p></footer>
</body>
</html>`
}

function citations(cs: CitationRow[]): Html {
  if (cs.length === 0) return html``
  return html`<p class="cite">Source: ${cs.map((c, i) => html`${i ? '; ' : ''}${c.source.url && /^https?:\/\//i.test(c.source.url) ? html`<a href="${c.source.url}">${c.source.publisher}</a>` : c.source.publisher}, ${c.source.publishedDate}, ${c.locator}`)}</p>`
}

function casualty(c: Casualty): Html {
  return html`<li><span class="figure">${figureText(c)} ${c.outcome}</span> (${label(c.victimGroup)}${c.perpetratorActor ? `, by ${c.perpetratorActor.name}` : ''}${c.reportedBy ? `, according to ${c.reportedBy.name}` : ''}): reported as “${c.reportedPhrase}”.${c.note ? html` <span class="cite">${c.note}</span>` : ''} ${citations(c.citations)}</li>`
}

function displacement(d: Displacement): Html {
  const where = [d.origin ? `from ${d.origin.name}` : '', d.destination ? `to ${d.destination.name}` : ''].filter(Boolean).join(' ')
  const who = d.reportedBy ? ` Reported by ${d.reportedBy.name}${d.relayedBy ? `, via ${d.relayedBy.name}` : ''}.` : d.relayedBy ? ` Reported via ${d.relayedBy.name}.` : ''
  return html`<li><span class="figure">${figureText(d)} ${METRIC_LABEL[d.metric] ?? label(d.metric)}</span> ${where} as of <time datetime="${d.asOfSortKey}">${displayDate(d.asOf)}</time>: reported as “${d.reportedPhrase}”.${who} ${citations(d.citations)}</li>`
}

function statement(s: Statement): Html {
  return html`<blockquote>${s.quote ? html`<p>“${s.quote}”</p>` : ''}<p>${s.summary}</p>
  <footer>${s.speaker.name}, ${label(s.medium)}, <time datetime="${s.saidAtSortKey}">${displayDate(s.saidAt)}</time>${s.dateBasis !== 'stated' ? ` (date ${s.dateBasis})` : ''}. ${citations(s.citations)}</footer></blockquote>`
}

function eventBody(p: PageEvent, headingLevel: 'h2' | 'h4'): Html {
  const e = p.event
  const heading = headingLevel === 'h4' ? html`<h4><a href="/events/${e.id}">${e.title}</a></h4>` : html``
  return html`${heading}
  <p class="meta"><time datetime="${e.startSortKey}">${displayDate(e.start)}</time>${e.end ? html` – <time>${displayDate(e.end)}</time>` : ''}
    · <span class="type">${label(e.type)}</span>${p.place ? ` · ${p.place.name}` : ''}
    ${e.dateBasis !== 'stated' ? html` · <span title="${e.dateNote ?? ''}">date ${e.dateBasis}</span>` : ''}</p>
  <p>${e.summary}</p>
  ${p.actors.length ? html`<p class="meta">Actors: ${p.actors.map((a, i) => html`${i ? ', ' : ''}${a.name} (${a.role})`)}</p>` : ''}
  ${p.casualties.length || p.displacement.length ? html`<ul class="figures">${p.casualties.map(casualty)}${p.displacement.map(displacement)}</ul>` : ''}
  ${p.statements.map(statement)}
  ${citations(p.citations)}`
}

function query(f: EventFilters): string {
  const q = new URLSearchParams()
  if (f.from) q.set('from', f.from)
  if (f.to) q.set('to', f.to)
  if (f.type?.length) q.set('type', f.type.join(','))
  if (f.actor) q.set('actor', f.actor)
  return q.toString()
}

export interface TimelinePage {
  events: PageEvent[]
  truncated: boolean
  filters: EventFilters
  actors: ActorRow[]
  series: Displacement[]
  error?: string
}

export function renderTimeline(p: TimelinePage): string {
  const qs = query(p.filters)
  const sep = qs ? `?${qs}&` : '?'
  const days = new Map<string, PageEvent[]>()
  for (const e of p.events) {
    const key = e.event.start.slice(0, 10)
    days.set(key, [...(days.get(key) ?? []), e])
  }
  const casualtyBars = p.events.flatMap((e) => e.casualties.map((c) => figureBar(`${e.event.title}: ${c.outcome} (${label(c.victimGroup)})`, c)))
  const seriesBars = p.series.map((d) => figureBar(`${METRIC_LABEL[d.metric] ?? d.metric}${d.destination ? ` in ${d.destination.name}` : d.origin ? ` in ${d.origin.name}` : ''}, ${displayDate(d.asOf)}`, d))
  const body = html`
<section aria-labelledby="filters-heading">
  <h2 id="filters-heading">Filter the timeline</h2>
  ${p.error ? html`<p role="alert" class="cite">${p.error}</p>` : ''}
  <form method="get" action="/">
    <label>From <input type="date" name="from" value="${p.filters.from ?? ''}"></label>
    <label>To <input type="date" name="to" value="${p.filters.to ?? ''}"></label>
    <label>Type <select name="type"><option value="">any type</option>${EVENT_TYPES.map((t) => html`<option value="${t}"${p.filters.type?.length === 1 && p.filters.type[0] === t ? raw(' selected') : ''}>${label(t)}</option>`)}</select></label>
    <label>Actor <select name="actor"><option value="">any actor</option>${p.actors.map((a) => html`<option value="${a.id}"${p.filters.actor === a.id ? raw(' selected') : ''}>${a.name}</option>`)}</select></label>
    <button type="submit">Show</button>
    ${qs ? html`<a href="/">Clear filters</a>` : ''}
  </form>
  <ul class="links" aria-label="This view as data">
    <li><a href="/v1/events${sep}limit=200">JSON</a></li>
    <li><a href="/v1/events${sep}limit=200&amp;format=csv">CSV</a></li>
    <li><a href="/v1/events.geojson${qs ? `?${qs}` : ''}">GeoJSON</a></li>
    <li><a href="/v1/timeline.json${qs ? `?${qs}` : ''}">TimelineJS</a></li>
    <li><a href="/v1/export${sep}format=ndjson">Full export (NDJSON)</a></li>
  </ul>
</section>
<section aria-labelledby="charts-heading">
  <h2 id="charts-heading">Figures</h2>
  ${seriesBars.length ? barChart('displacement-chart', 'Displacement counts over time', `Displacement and refugee counts in date order: ${seriesBars.map((b) => `${b.label}: ${b.text}`).join('; ')}.`, seriesBars) : html`<p>No displacement counts.</p>`}
  ${casualtyBars.length ? barChart('casualty-chart', 'Casualty figures by event', `Casualty figures of the events shown, as reported; an arrow marks a lower bound. ${casualtyBars.map((b) => `${b.label}: ${b.text}`).join('; ')}.`, casualtyBars) : html`<p>No casualty figures for these events.</p>`}
</section>
<section aria-labelledby="timeline-heading">
  <h2 id="timeline-heading">Timeline <span class="meta">(${p.events.length} event${p.events.length === 1 ? '' : 's'}${p.truncated ? ', the first shown' : ''})</span></h2>
  ${p.events.length === 0 ? html`<p>No event matches these filters.</p>` : ''}
  ${[...days.entries()].map(([day, events]) => html`<section class="day" aria-label="${displayDate(day)}">
    <h3><time datetime="${day}">${displayDate(day)}</time></h3>
    <ol class="events">${events.map((e) => html`<li><article id="${e.event.id}">${eventBody(e, 'h4')}</article></li>`)}</ol>
  </section>`)}
</section>`
  return layout('Nagorno-Karabakh, September 2023: offensive and exodus', qs ? `/?${qs}` : '/', body).toString()
}

export function renderEvent(p: PageEvent): string {
  const e = p.event
  const body = html`
<article id="${e.id}">
  ${eventBody(p, 'h2')}
  <h2>Record</h2>
  <dl>
    <dt>Permalink</dt><dd><a href="/events/${e.id}">/events/${e.id}</a></dd>
    <dt>Date</dt><dd>${displayDate(e.start)}${e.end ? ` – ${displayDate(e.end)}` : ''} (precision: ${e.datePrecision}; basis: ${e.dateBasis})</dd>
    ${e.dateNote ? html`<dt>How the date was derived</dt><dd>${e.dateNote}</dd>` : ''}
    ${p.place ? html`<dt>Place</dt><dd>${p.place.name}${p.place.latitude !== null ? ` (${p.place.latitude}, ${p.place.longitude})` : ''}</dd>` : ''}
    <dt>Type</dt><dd>${label(e.type)}</dd>
    <dt>Last changed</dt><dd><time datetime="${e.updatedAt}">${e.updatedAt.slice(0, 10)}</time></dd>
  </dl>
  <ul class="links" aria-label="This event as data">
    <li><a href="/v1/events/${e.id}">JSON</a></li>
    <li><a href="/v1/events/${e.id}/revisions">History</a></li>
    <li><a href="/">Back to the timeline</a></li>
  </ul>
</article>`
  return layout(e.title, `/events/${e.id}`, body).toString()
}
