import type { CitationRow } from '../sources/queries.ts'
import type { Casualty, Displacement, PageEvent, Statement } from './data.ts'
export { displayDate }
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
.skip, .skip-map { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .3rem; } .skip-map:focus { position: static; display: inline-block; background: #fff; padding: .3rem; }
form { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; font-family: system-ui, sans-serif; font-size: .9rem; }
label { display: flex; flex-direction: column; gap: .2rem; }
input, select, button { font: inherit; padding: .3rem .4rem; min-height: 2.2rem; }
ol.events { list-style: none; padding: 0; margin: 0; }
article { border-left: 3px solid var(--rule); padding: .2rem 0 .2rem .9rem; margin: 0 0 1.2rem; }
.meta { font-family: system-ui, sans-serif; font-size: .85rem; color: var(--muted); margin: 0 0 .4rem; }
.type { text-transform: uppercase; letter-spacing: .04em; }
ul.figures { padding-left: 1.1rem; } .figure { font-weight: bold; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-left: 3px solid var(--accent); background: #f3efe9; }
.statement { margin: .6rem 0; }
.statement > p { margin: .2rem 0; }
.cite { font-family: system-ui, sans-serif; font-size: .8rem; color: var(--muted); }
.chart { margin: 1rem 0; } .chart svg { display: block; width: 100%; max-width: 42rem; height: auto; font-family: system-ui, sans-serif; }
.lede { font-size: 1.05rem; }
.panel { font-size: 15px; font-weight: bold; fill: var(--ink); } .tick { font-size: 14px; fill: var(--muted); }
.hit { fill: transparent; } .bar { fill: var(--accent); } a.period:hover .bar, a.period:focus .bar { fill: #1a5fb4; } a.period:focus .hit { fill: #1a5fb422; }
.chart svg text, .axis, .arrow { pointer-events: none; } .axis { stroke: var(--rule); } .range { stroke: var(--ink); stroke-width: 2; pointer-events: none; } .range.open { stroke-dasharray: 3 2; }
.arrow { fill: var(--ink); } .best { fill: var(--accent); stroke: #fff; stroke-width: 1; pointer-events: none; }
.sea { fill: #eef2f5; } .land { fill: #e4ddd0; stroke: #fff; stroke-width: .6; } .place circle { fill: #8a1c1ccc; stroke: #fff; stroke-width: .8; } .place:focus circle, .place:hover circle { fill: #1a5fb4; }
table.values { border-collapse: collapse; font-family: system-ui, sans-serif; font-size: .85rem; margin: .5rem 0; } .values th, .values td { text-align: left; padding: .15rem .6rem .15rem 0; border-bottom: 1px solid var(--rule); }
details summary { cursor: pointer; font-family: system-ui, sans-serif; font-size: .85rem; }
.browse { display: grid; grid-template-columns: minmax(0, 14rem) minmax(0, 1fr); gap: 1.5rem; }
.facets { font-family: system-ui, sans-serif; font-size: .9rem; } .facets ul { list-style: none; padding: 0; margin: 0; } .facets li { margin: .15rem 0; overflow-wrap: anywhere; } .count { color: var(--muted); }
.facets h2 { font-size: 1.1rem; } .facets h3 { color: var(--ink); margin: 1rem 0 .3rem; }
ul.active { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; font-family: system-ui, sans-serif; font-size: .9rem; } ul.active li { background: #f0ebe4; padding: .1rem .5rem; border-radius: .8rem; }
.pager { display: flex; justify-content: space-between; gap: 1rem; font-family: system-ui, sans-serif; margin: 1rem 0; }
figcaption { margin-top: .4rem; font-family: system-ui, sans-serif; font-size: .85rem; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: bold; }
footer.page { margin-top: 3rem; border-top: 1px solid var(--rule); font-size: .85rem; color: var(--muted); padding-bottom: 2rem; }
@media (max-width: 40rem) { body { font-size: 15px; } h1 { font-size: 1.3rem; } dl { grid-template-columns: 1fr; } .browse { grid-template-columns: minmax(0, 1fr); } .facets li { display: inline-block; margin-right: .9rem; } .panel { font-size: 22px; } .tick { font-size: 20px; } }
`)

const label = (s: string) => s.replaceAll('_', ' ')

export function layout(title: string, canonical: string, body: Html): Html {
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
  // The publisher links to the report itself where its address is known, else to its source record.
  return html`<p class="cite">Source: ${cs.map((c, i) => html`${i ? '; ' : ''}<a href="${c.source.url && /^https?:\/\//i.test(c.source.url) ? c.source.url : `/v1/sources/${c.source.id}`}">${c.source.publisher}</a>, ${c.source.publishedDate}, ${c.locator}`)}</p>`
}

function casualty(c: Casualty): Html {
  return html`<li><span class="figure">${figureText(c)} ${c.outcome}</span> (${label(c.victimGroup)}${c.perpetratorActor ? `, by ${c.perpetratorActor.name}` : ''}${c.reportedBy ? `, according to ${c.reportedBy.name}` : ''}): reported as “${c.reportedPhrase}”.${c.note ? html` <span class="cite">${c.note}</span>` : ''} ${citations(c.citations)}</li>`
}

function displacement(d: Displacement): Html {
  const where = [d.origin ? `from ${d.origin.name}` : '', d.destination ? `to ${d.destination.name}` : ''].filter(Boolean).join(' ')
  const who = d.reportedBy ? ` Reported by ${d.reportedBy.name}${d.relayedBy ? `, via ${d.relayedBy.name}` : ''}.` : d.relayedBy ? ` Reported via ${d.relayedBy.name}.` : ''
  const notes = [d.asOfBasis !== 'stated' ? d.asOfNote : null, d.note].filter((n): n is string => !!n)
  return html`<li><span class="figure">${figureText(d)} ${METRIC_LABEL[d.metric] ?? label(d.metric)}</span> ${where} as of <time datetime="${d.asOf}">${displayDate(d.asOf)}</time>${d.asOfBasis !== 'stated' ? ` (date ${d.asOfBasis})` : ''}: reported as “${d.reportedPhrase}”.${who}${notes.map((n) => html` <span class="cite">${n}</span>`)} ${citations(d.citations)}</li>`
}

/**
 * Only the speaker's reported words are set as a quotation; the summary is the dataset's own account
 * of the claim, so it stands outside the quote, after the speaker it is attributed to.
 */
function statement(s: Statement): Html {
  return html`<div class="statement">${s.quote ? html`<blockquote><p>“${s.quote}”</p></blockquote>` : ''}
  <p><strong>${s.speaker.name}</strong>, ${label(s.medium)}, <time datetime="${s.saidAt}">${displayDate(s.saidAt)}</time>${s.dateBasis !== 'stated' ? ` (date ${s.dateBasis})` : ''}: ${s.summary}</p>
  ${s.dateBasis !== 'stated' && s.dateNote ? html`<p class="cite">${s.dateNote}</p>` : ''}
  ${citations(s.citations)}</div>`
}

export function eventBody(p: PageEvent, headingLevel: 'h2' | 'h4'): Html {
  const e = p.event
  const heading = headingLevel === 'h4' ? html`<h4><a href="/events/${e.id}">${e.title}</a></h4>` : html``
  return html`${heading}
  <p class="meta"><time datetime="${e.start}">${displayDate(e.start)}</time>${e.end ? html` – <time datetime="${e.end}">${displayDate(e.end)}</time>` : ''}
    · <span class="type">${label(e.type)}</span>${p.place ? ` · ${p.place.name}` : ''}
    ${e.dateBasis !== 'stated' ? html` · <span title="${e.dateNote ?? ''}">date ${e.dateBasis}</span>` : ''}</p>
  <p>${e.summary}</p>
  ${p.actors.length ? html`<p class="meta">Actors: ${p.actors.map((a, i) => html`${i ? ', ' : ''}${a.name} (${a.role})`)}</p>` : ''}
  ${p.casualties.length || p.displacement.length ? html`<ul class="figures">${p.casualties.map(casualty)}${p.displacement.map(displacement)}</ul>` : ''}
  ${p.statements.map(statement)}
  ${citations(p.citations)}`
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
