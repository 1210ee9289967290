import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import { citationCell, type CsvColumn } from '../../http/csv.ts'
import { sendCsv, sendList, wantsCsv } from '../../http/reply.ts'
import { IdParams, itemResponse, listResponse, problemResponses } from '../../http/schemas.ts'
import { presentCasualties } from './present.ts'
import { casualtiesOffLoop, getCasualty, listCasualties, type CasualtyRow } from './queries.ts'
import { CasualtyListQuery, CasualtyReport, CasualtySummaryQuery, CasualtySummaryRow } from './schemas.ts'

type Presented = ReturnType<typeof presentCasualties>[number]
const CASUALTY_CSV: CsvColumn<Presented>[] = [
  ['id', (c) => c.id], ['event_id', (c) => c.eventId], ['event_title', (c) => c.eventTitle], ['event_start', (c) => c.eventStart],
  ['outcome', (c) => c.outcome], ['victim_group', (c) => c.victimGroup], ['low', (c) => c.low], ['high', (c) => c.high],
  ['best', (c) => c.best], ['qualifier', (c) => c.qualifier], ['reported_phrase', (c) => c.reportedPhrase],
  ['reported_by', (c) => c.reportedBy?.name], ['victim_actor', (c) => c.victimActor?.name],
  ['perpetrator_actor', (c) => c.perpetratorActor?.name], ['note', (c) => c.note], ['sources', (c) => citationCell(c.citations)],
]

/** The report list behind one summary row: the same filters, narrowed to its outcome and victim group. */
function reportsHref(base: string, url: string, g: { outcome: string, victimGroup: string }): string {
  const u = new URL(url, 'http://localhost')
  u.pathname = u.pathname.replace(/\/summary$/, '')
  u.searchParams.set('outcome', g.outcome)
  u.searchParams.set('victimGroup', g.victimGroup)
  return `${base}${u.pathname}${u.search}`
}

type SummaryRow = z.infer<typeof CasualtySummaryRow>
const SUMMARY_CSV: CsvColumn<SummaryRow>[] = [
  ['outcome', (r) => r.outcome], ['victim_group', (r) => r.victimGroup], ['report_count', (r) => r.reportCount], ['event_count', (r) => r.eventCount],
  ['low', (r) => r.low], ['low_if_disjoint', (r) => r.lowIfDisjoint], ['high', (r) => r.high], ['qualifiers', (r) => r.qualifiers],
  ['note', (r) => r.note], ['reports', (r) => r.reports],
]

const routes: FastifyPluginAsyncZod = async (app) => {
  const presented = (page: { rows: CasualtyRow[], nextCursor: string | null }) => ({ rows: presentCasualties(app.storage.sqlite, page.rows), nextCursor: page.nextCursor })
  app.get('/casualty-reports', {
    schema: {
      tags: ['casualties'], operationId: 'listCasualtyReports', description: 'Each figure as reported: low, high and best, the qualifier and the wording, who reported it and the source. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'List casualty reports with bounds, qualifier, wording and sources',
      querystring: CasualtyListQuery, response: { 200: listResponse(CasualtyReport), ...problemResponses },
    },
  }, async (request, reply) => {
    const { limit, cursor, format: _f, ...filters } = request.query
    const page = casualtiesOffLoop(filters)
      ? await app.stats.run('casualtyListPage', { filters, limit, at: cursor }, request.datasetVersion, clientGone(reply))
      : presented(listCasualties(app.storage.sqlite, filters, limit, cursor))
    return sendList(request, reply, { page, limit, sort: 'date', csv: CASUALTY_CSV, filename: 'casualty-reports' })
  })

  app.get('/casualty-reports/summary', {
    schema: {
      tags: ['casualties'], operationId: 'getCasualtySummary', description: 'Figures grouped by outcome and victim group, never added across groups: `low` is the largest single lower bound, `lowIfDisjoint` the sum. `?format=csv` or `Accept: text/csv` returns CSV.', summary: 'Totals per outcome and victim group, keeping bounds and saying where figures may overlap',
      querystring: CasualtySummaryQuery,
      response: { 200: z.object({ data: z.array(CasualtySummaryRow), meta: z.object({ datasetVersion: z.number().int(), note: z.string() }) }), ...problemResponses },
    },
  }, async (request, reply) => {
    const { format: _f, ...filters } = request.query
    const rows = (await app.stats.run('casualtySummary', { filters }, request.datasetVersion, clientGone(reply))).map((g) => ({ ...g, reports: reportsHref(app.config.linkBase, request.url, g) }))
    if (wantsCsv(request)) return sendCsv(reply, rows, SUMMARY_CSV, 'casualty-summary')
    return {
      data: rows,
      meta: {
        datasetVersion: request.datasetVersion,
        note: 'Groups are never added together: "people" may include the civilians, combatants and peacekeepers counted in other rows.',
      },
    }
  })

  app.get('/casualty-reports/:id', {
    schema: { tags: ['casualties'], operationId: 'getCasualtyReport', description: 'One casualty figure with its bounds, wording, reporter and citations.', summary: 'One casualty report', params: IdParams, response: { 200: itemResponse(CasualtyReport), ...problemResponses } },
  }, async (request) => {
    const row = getCasualty(app.storage.sqlite, request.params.id)
    if (!row) throw new NotFoundError('casualty report', request.params.id)
    return { data: presentCasualties(app.storage.sqlite, [row])[0]!, meta: { datasetVersion: request.datasetVersion } }
  })
}

export default routes
