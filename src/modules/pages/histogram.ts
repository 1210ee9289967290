import type { Figure } from '../stats/queries.ts'
import { html, raw, type Html } from './html.ts'
import { formatCount as n, pageHref, type PageFilters } from './links.ts'
import type { Bin, Overview } from './overview.ts'

const W = 640, LEFT = 8, RIGHT = 8
const EVENTS_H = 110, FIG_H = 64, GAP = 26, TOP = 28

/** A figure range in words: "205 to 310, best 5", "at least 205 (open-ended)". */
export function rangeText(f: Figure | null): string {
  if (!f || f.events === 0) return '–'
  const open = f.high === null
  const range = f.low === null ? (open ? 'no bound given' : `up to ${n(f.high!)}`)
    : open ? `at least ${n(f.low)} (open-ended)` : f.low === f.high ? n(f.low) : `${n(f.low)} to ${n(f.high!)}`
  return f.best === null ? range : `${range}, best ${n(f.best)}`
}

/**
 * One panel of figure ranges: a line from the summed low to the summed high of each period; an
 * open high runs to the top of the panel, dashed, ending in an arrow; a dot marks the best.
 */
function rangePanel(bins: Bin[], pick: (b: Bin) => Figure | null, y0: number, bw: number, cls: string, title: string): Html {
  const figs = bins.map(pick)
  const top = Math.max(1, ...figs.map((f) => Math.max(f?.low ?? 0, f?.high ?? 0, f?.best ?? 0)))
  // Room above the largest bound, so an open-ended range shows as a line rising past its low.
  const max = figs.some((f) => f && f.events > 0 && f.high === null) ? top * 1.3 : top
  const y = (v: number) => (y0 + FIG_H - (v / max) * (FIG_H - 6)).toFixed(1)
  // The scale goes in the panel's title, above the plot: at its top right it sat on the last period's line.
  return html`<text x="${LEFT}" y="${y0 - 6}" class="panel">${title} (top of scale ${n(top)})</text><g class="${cls}"><line x1="${LEFT}" x2="${W - RIGHT}" y1="${y0 + FIG_H}" y2="${y0 + FIG_H}" class="axis"></line>${figs.map((f, i) => {
    if (!f || f.events === 0) return ''
    const x = (LEFT + (i + 0.5) * bw).toFixed(1)
    const open = f.high === null
    const lo = y(f.low ?? 0), hi = open ? (y0 + 2).toFixed(1) : y(f.high!)
    return html`<path d="M${x} ${lo}V${hi}" class="range${open ? ' open' : ''}"></path>${open ? raw(`<path d="M${x} ${y0}l-3 5h6z" class="arrow"></path>`) : ''}${f.best !== null ? raw(`<circle cx="${x}" cy="${y(f.best)}" r="2.5" class="best"></circle>`) : ''}`
  })}</g>`
}

/** About how wide a tick label is drawn, in viewBox units, with a gap after it. */
const labelWidth = (text: string) => text.length * 6.5 + 8

/**
 * Period labels under the bars: the periods that have events when they are few (a sparse span of
 * years otherwise labels empty years and leaves the bars unnamed), else about five evenly spaced;
 * the last period always, flush with the right edge; any label that would overlap another is left out.
 */
function tickLabels(bins: Bin[], bw: number, y: number): Html {
  if (bins.length === 0) return html``
  const last = bins.length - 1
  const busy = bins.flatMap((b, i) => (b.events > 0 ? [i] : []))
  const every = Math.ceil(bins.length / 5)
  const wanted = busy.length <= 8 ? [0, ...busy] : bins.map((_, i) => i).filter((i) => i % every === 0)
  const lastLeft = W - RIGHT - labelWidth(bins[last]!.period)
  let free = LEFT
  const placed: Html[] = []
  for (const i of [...new Set(wanted)].sort((a, b) => a - b)) {
    const x = LEFT + i * bw
    if (i === last || x < free || x + labelWidth(bins[i]!.period) > lastLeft) continue
    placed.push(html`<text x="${x.toFixed(1)}" y="${y}" class="tick">${bins[i]!.period}</text>`)
    free = x + labelWidth(bins[i]!.period)
  }
  return html`${placed}<text x="${W - RIGHT}" y="${y}" text-anchor="end" class="tick">${bins[last]!.period}</text>`
}

const PERIOD_WORD = { day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year' } as const

/** Events per period as bars that link to their period, with killed and displaced ranges below. */
export function histogram(o: Overview, f: PageFilters): Html {
  if (o.bins.length === 0 && o.coarse.length === 0) return html`<p>No events in this view.</p>`
  const bins = o.bins
  const bw = (W - LEFT - RIGHT) / Math.max(1, bins.length)
  const maxEvents = Math.max(1, ...bins.map((b) => b.events))
  const killedY = TOP + EVENTS_H + GAP, displacedY = killedY + FIG_H + GAP
  const height = (o.displacedMeasure ? displacedY + FIG_H : killedY + FIG_H) + 20
  const total = bins.reduce((s, b) => s + b.events, 0) + o.coarse.reduce((s, b) => s + b.events, 0)
  const peak = bins.reduce((a, b) => (b.events > a.events ? b : a), bins[0] ?? o.coarse[0]!)
  const word = PERIOD_WORD[o.period]
  const summary = `${n(total)} events by ${word}, ${bins[0]?.period ?? ''} to ${bins[bins.length - 1]?.period ?? ''}; the busiest ${word} is ${peak.period} with ${n(peak.events)}.`
    + (o.coarse.length ? ` ${n(o.coarse.reduce((s, b) => s + b.events, 0))} events dated only to a month or year are listed in the table, not drawn.` : '')
    + ` Killed${o.displacedMeasure ? ` and ${o.displacedMeasure}` : ''} are drawn as ranges from the sure lower bound to the upper bound; a dashed line with an arrow has no upper bound; a dot is the best estimate.`
  const dLabel = o.displacedMeasure ? `People ${o.displacedMeasure}` : ''
  return html`<figure class="chart histogram">
  <svg id="histogram" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="histogram-title histogram-desc">
    <title id="histogram-title">Events per ${word}</title>
    <desc id="histogram-desc">${summary}</desc>
    <text x="${LEFT}" y="20" class="panel">Events per ${word} (max ${n(maxEvents)})</text>
    ${bins.map((b, i) => {
      const h = (b.events / maxEvents) * EVENTS_H
      const x = LEFT + i * bw
      // An empty period is drawn but is no link: nothing to narrow to, and no stop for the keyboard.
      if (b.events === 0) return html`<g class="period empty" data-period="${b.period}" data-events="0"></g>`
      return html`<a href="${pageHref(f, { from: b.from, to: b.to })}" class="period" data-period="${b.period}" data-events="${b.events}"><title>${b.period}: ${n(b.events)} event${b.events === 1 ? "" : "s"}</title><rect x="${x.toFixed(1)}" y="${TOP}" width="${bw.toFixed(1)}" height="${displacedY + FIG_H - TOP}" class="hit"></rect><rect x="${(x + bw * 0.1).toFixed(1)}" y="${(TOP + EVENTS_H - h).toFixed(1)}" width="${Math.max(1, bw * 0.8).toFixed(1)}" height="${h.toFixed(1)}" class="bar"></rect></a>`
    })}
    ${rangePanel(bins, (b) => b.killed, killedY, bw, 'killed', 'Killed')}
    ${o.displacedMeasure ? rangePanel(bins, (b) => b.displaced, displacedY, bw, 'displaced', dLabel) : ''}
    ${tickLabels(bins, bw, height - 3)}
  </svg>
  <figcaption>${summary}</figcaption>
  <details><summary>The plotted values as a table</summary>
  <table class="values"><thead><tr><th scope="col">${word[0]!.toUpperCase() + word.slice(1)}</th><th scope="col">Events</th><th scope="col">Killed</th>${o.displacedMeasure ? html`<th scope="col">${dLabel}</th>` : ''}</tr></thead>
  <tbody>${[...bins.filter((b) => b.events > 0), ...o.coarse].map((b) => html`<tr><th scope="row"><a href="${pageHref(f, { from: b.from, to: b.to })}">${b.period}</a></th><td>${n(b.events)}</td><td>${rangeText(b.killed)}</td>${o.displacedMeasure ? html`<td>${rangeText(b.displaced)}</td>` : ''}</tr>`)}</tbody></table>
  ${o.truncated ? html`<p class="cite">Only the first 5,000 periods are shown.</p>` : ''}
  </details>
</figure>`
}
