import { html, type Html } from './html.ts'
import { figureText, figureValue } from './figures.ts'

export interface Bar { label: string, value: number, text: string, openEnded: boolean }

/**
 * A horizontal bar chart as SVG, scaled to its viewBox so it fits a phone or a desktop alike.
 * Open-ended figures ("at least", "more than") end in an arrow: the bar is a lower bound.
 */
export function barChart(id: string, title: string, description: string, bars: Bar[]): Html {
  // A narrow viewBox keeps the labels legible when a phone scales the chart down.
  const rowH = 40, labelH = 15, width = 420, top = 8
  const height = top + bars.length * rowH + 8
  const max = Math.max(1, ...bars.map((b) => b.value))
  const scale = (v: number) => Math.max(2, (v / max) * (width - 20))
  return html`<figure class="chart">
  <svg id="${id}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" preserveAspectRatio="xMinYMin meet">
    <title id="${id}-title">${title}</title>
    <desc id="${id}-desc">${description}</desc>
    ${bars.map((b, i) => {
      const y = top + i * rowH
      const w = scale(b.value)
      return html`<g class="bar">
      <text x="0" y="${y + 12}" class="bar-label">${b.label}</text>
      <rect x="0" y="${y + labelH + 2}" width="${w.toFixed(1)}" height="16" rx="2" class="bar-fill${b.openEnded ? ' open' : ''}"></rect>
      ${b.openEnded ? html`<path d="M ${(w + 2).toFixed(1)} ${y + labelH + 2} l 10 8 l -10 8 z" class="bar-arrow"></path>` : ''}
      ${w > width - 110
        ? html`<text x="${(w - 6).toFixed(1)}" y="${y + labelH + 15}" text-anchor="end" class="bar-value inside">${b.text}</text>`
        : html`<text x="${(w + (b.openEnded ? 16 : 6)).toFixed(1)}" y="${y + labelH + 15}" class="bar-value">${b.text}</text>`}
    </g>`
    })}
  </svg>
  <figcaption>${description}</figcaption>
</figure>`
}

export function figureBar(label: string, f: { low: number | null, high: number | null, best: number | null, qualifier: string }): Bar {
  return { label, value: figureValue(f), text: figureText(f), openEnded: f.qualifier === 'at_least' || f.qualifier === 'more_than' }
}
