import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { clientGone } from '../../http/gone.ts'
import type { CsvColumn } from '../../http/csv.ts'
import { nextUrl, sendList, wantsCsv } from '../../http/reply.ts'
import { problemResponses } from '../../http/schemas.ts'
import { MEASURES, type Dimension, type Measure } from './dimensions.ts'
import { pickMeasures, RULE, type StatsRow as Row } from './queries.ts'
import { StatsQuery, StatsResponse } from './schemas.ts'

const KEY_CSV: Record<Dimension, CsvColumn<Row>[]> = {
  period: [['period', (r) => r.key.period], ['period_placed', (r) => r.key.periodPlaced ? 'true' : 'false']],
  type: [['type', (r) => r.key.type]],
  place: [['place_id', (r) => r.key.place?.id], ['place', (r) => r.key.place?.name]],
  country: [['country_code', (r) => r.key.country?.code], ['country', (r) => r.key.country?.name]],
  actor: [['actor_id', (r) => r.key.actor?.id], ['actor', (r) => r.key.actor?.name]],
}
const figureCsv = (measures: readonly Measure[]): CsvColumn<Row>[] => measures.flatMap((m): CsvColumn<Row>[] => [
  [`${m}_events`, (r) => r.figures[m].events], [`${m}_events_without_figure`, (r) => r.figures[m].eventsWithoutFigure],
  [`${m}_low`, (r) => r.figures[m].low], [`${m}_low_if_disjoint`, (r) => r.figures[m].lowIfDisjoint],
  [`${m}_high`, (r) => r.figures[m].high], [`${m}_best`, (r) => r.figures[m].best],
])

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/stats/events', {
    schema: {
      tags: ['stats'],
      operationId: 'getEventStats',
      summary: 'Counts of events and their casualty and displacement figures, grouped by period, type, place, country or actor',
      description: 'Takes the event filters. Rows are sorted by key and paged by `cursor`; `?format=csv` returns CSV. '
        + 'Figures are combined by the rule in `meta.rule`.',
      querystring: StatsQuery,
      response: { 200: StatsResponse, ...problemResponses },
    },
    // A full page is thousands of figures with nullable numbers, which the schema-compiled
    // serialiser checks value by value (150 ms for a 1.2 MB page, on the event loop): the worker
    // writes the rows with JSON.stringify, built to the schema's shape, and problems are written
    // the same way. tests/modules/stats/serialise.test.ts holds the bytes to the schema's.
    serializerCompiler: () => (data) => JSON.stringify(data),
  }, async (request, reply) => {
    const { groupBy, period, limit, cursor, measures = MEASURES, format: _f, ...filters } = request.query
    const options = { groupBy, period, limit, cursor }
    if (wantsCsv(request)) {
      const page = await app.stats.run('eventStats', { filters, options }, request.datasetVersion, clientGone(reply))
      const csv = [...groupBy.flatMap((d) => KEY_CSV[d]), ['events', (r: Row) => r.events] as CsvColumn<Row>, ...figureCsv(measures)]
      sendList(request, reply, { page: { ...page, rows: pickMeasures(page.rows, measures) }, limit, csv, filename: 'event-stats' })
      return reply
    }
    const page = await app.stats.run('eventStatsJson', { filters, options, measures: [...measures] }, request.datasetVersion, clientGone(reply))
    if (page.nextCursor) reply.header('link', `<${nextUrl(request, page.nextCursor)}>; rel="next"`)
    // The body in the order of StatsResponse, its rows spliced in as the worker wrote them.
    const pageJson = JSON.stringify({ nextCursor: page.nextCursor, limit })
    const meta = JSON.stringify({ datasetVersion: request.datasetVersion, count: page.count, groupBy, period, source: page.source, rule: RULE })
    // A string is sent as it is: the route's serialiser does not see it.
    return reply.type('application/json; charset=utf-8').send(`{"data":${page.rows},"page":${pageJson},"meta":${meta}}` as never)
  })
}

export default routes
