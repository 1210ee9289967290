// citation-js ships no type declarations; only the two calls used here are typed.
// @ts-expect-error untyped package
import { Cite } from '@citation-js/core'
import '@citation-js/plugin-bibtex'

export interface ReleaseCitation { csl: Record<string, unknown>[], bibtex: string }

interface CiteInstance { format(style: 'data' | 'bibtex', options?: { format: 'object' | 'text' }): unknown }
const CiteClass = Cite as new (data: unknown) => CiteInstance

/** The release as a dataset to cite, in CSL-JSON and BibTeX, both produced by citation-js. */
export function releaseCitation(r: { tag: string, datasetVersion: number, createdAt: string, url: string }): ReleaseCitation {
  const day = new Date(r.createdAt)
  const cite = new CiteClass({
    id: `conflict-timeline-${r.tag}`,
    type: 'dataset',
    title: 'Conflict Timeline: the September 2023 Nagorno-Karabakh offensive and the exodus that followed',
    version: r.tag,
    author: [{ literal: 'Conflict Timeline API' }],
    publisher: 'Conflict Timeline API',
    issued: { 'date-parts': [[day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()]] },
    URL: r.url,
    note: `Release ${r.tag}, dataset version ${r.datasetVersion}`,
  })
  return {
    csl: cite.format('data', { format: 'object' }) as Record<string, unknown>[],
    bibtex: cite.format('bibtex') as string,
  }
}
