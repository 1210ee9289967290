import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { geoBounds, geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo'
import { LRUCache } from 'lru-cache'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import { html, raw, type Html } from './html.ts'
import { formatCount as n, pageHref, type PageFilters } from './links.ts'
import type { MapPlace } from './queries.ts'

// Read once when the module loads (at start-up): the 110m atlas is coarse enough that a regional
// map is a few kilobytes of path data.
const require = createRequire(import.meta.url)
const atlas = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>
const COUNTRIES = feature(atlas, atlas.objects.countries).features.map((c) => ({ c, b: geoBounds(c) }))
// Clipping every country to a small regional view is most of the cost of a map: skip the
// countries whose bounds lie outside it (those across the antimeridian are always clipped), and
// keep the outlines of recent views, bounded in bytes.
const near = (b: [[number, number], [number, number]], w: number, s: number, e: number, n: number) =>
  b[0][0] > b[1][0] || !(b[1][0] < w || b[0][0] > e || b[1][1] < s || b[0][1] > n)
const outlineCache = new LRUCache<string, string>({ maxSize: 2_000_000, sizeCalculation: (v, k) => v.length + k.length })

const W = 640, H = 400, PAD = 16
/** Points drawn at most; past it the places with most events are kept and the rest are counted. */
export const MAP_MAX_PLACES = 600
/** Places named in the map's table of values. */
const TABLE_ROWS = 10

interface Located extends MapPlace { latitude: number, longitude: number }

/**
 * Event places as points sized by event count over country outlines, projected on the server and
 * fitted to the view's places (at least a few degrees across, so one place still shows its region).
 */
export function placeMap(places: MapPlace[], more: boolean, f: PageFilters): Html {
  const located = places.filter((p): p is Located => p.latitude !== null && p.longitude !== null)
  const unlocated = places.length - located.length
  if (located.length === 0) return html`<p>No event of this view has a place with coordinates.</p>`
  let [w, s, e, nth] = [180, 90, -180, -90]
  for (const p of located) {
    w = Math.min(w, p.longitude); e = Math.max(e, p.longitude); s = Math.min(s, p.latitude); nth = Math.max(nth, p.latitude)
  }
  const cx = (w + e) / 2, cy = (s + nth) / 2
  const hw = Math.max(3, (e - w) * 0.6), hh = Math.max(2, (nth - s) * 0.6)
  const box = { type: 'MultiPoint', coordinates: [[cx - hw, Math.max(-80, cy - hh)], [cx + hw, Math.min(80, cy + hh)]] } as GeoPermissibleObjects
  const projection = geoMercator().fitExtent([[PAD, PAD], [W - PAD, H - PAD]], box).clipExtent([[0, 0], [W, H]])
  const path = geoPath(projection).digits(0)
  const key = [cx, cy, hw, hh].map((x) => x.toFixed(3)).join(',')
  let outlines = outlineCache.get(key)
  if (outlines === undefined) {
    // The view box in degrees is narrower than the fitted extent on its long side: widen the test.
    const mw = Math.max(hw, hh * 2) * 2 + 10, mh = Math.max(hh, hw) * 2 + 10
    outlines = COUNTRIES.filter(({ b }) => near(b, cx - mw, cy - mh, cx + mw, cy + mh)).map(({ c }) => path(c)).filter((d): d is string => !!d).join('')
    outlineCache.set(key, outlines)
  }
  const max = Math.max(...located.map((p) => p.events))
  const byCount = [...located].sort((a, b) => b.events - a.events || a.name.localeCompare(b.name))
  const total = located.reduce((t, p) => t + p.events, 0)
  const summary = `${n(located.length)} place${located.length === 1 ? '' : 's'} with coordinates${more ? ` (the ${n(places.length)} with most events; more are not drawn)` : ''}, `
    + `each a point sized by its ${n(total)} events; most events at ${byCount.slice(0, 3).map((p) => `${p.name} (${n(p.events)})`).join(', ')}.`
    + (unlocated ? ` ${n(unlocated)} place${unlocated === 1 ? ' has' : 's have'} no coordinates and ${unlocated === 1 ? 'is' : 'are'} not drawn.` : '')
  return html`<figure class="chart map">
  ${located.length > 20 ? html`<a class="skip-map" href="#facets-heading">Skip the ${n(located.length)} places of the map</a>` : ''}
  <svg id="map" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="map-title map-desc">
    <title id="map-title">Where the events took place</title>
    <desc id="map-desc">${summary}</desc>
    <rect width="${W}" height="${H}" class="sea"></rect>
    <path d="${outlines}" class="land"></path>
    ${byCount.map((p) => {
      const [x, y] = projection([p.longitude, p.latitude])!
      const r = 2.5 + 12 * Math.sqrt(p.events / max)
      return raw(`<a href="${escapeAttr(pageHref(f, { place: p.id }))}" class="place" data-place="${escapeAttr(p.id)}"><title>${escapeAttr(p.name)}: ${n(p.events)} event${p.events === 1 ? "" : "s"}</title><circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}"></circle></a>`)
    })}
  </svg>
  <figcaption>${summary} Outlines: Natural Earth via world-atlas.</figcaption>
  <details><summary>The places with most events as a table</summary>
  <table class="values"><thead><tr><th scope="col">Place</th><th scope="col">Events</th><th scope="col">Latitude, longitude</th></tr></thead>
  <tbody>${byCount.slice(0, TABLE_ROWS).map((p) => html`<tr><th scope="row"><a href="${pageHref(f, { place: p.id })}">${p.name}</a></th><td>${n(p.events)}</td><td>${p.latitude.toFixed(2)}, ${p.longitude.toFixed(2)}</td></tr>`)}</tbody></table>
  </details>
</figure>`
}

const ATTR: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => ATTR[c]!)
