import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { CsvColumn } from '../../http/csv.ts'
import { sendList } from '../../http/reply.ts'
import { problemResponses } from '../../http/schemas.ts'
import { MEASURES, type Dimension, type Measure } from './dimensions.ts'
import { RULE, type StatsRow as Row } from './queries.ts'
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
    // A full page is a thousand rows of up to seven figures with nullable numbers, which the
    // schema-compiled serialiser checks value by value (150 ms for a 1.2 MB page, on the event
    // loop); the rows are built to the schema's shape, so JSON.stringify writes the same bytes in a
    // tenth of the time. tests/modules/stats/serialise.test.ts holds them to the schema.
    serializerCompiler: () => (data) => JSON.stringify(data),
  }, async (request, reply) => {
    const { groupBy, period, limit, cursor, measures = MEASURES, format: _f, ...filters } = request.query
    const page = await app.stats.run('eventStats', { filters, options: { groupBy, period, limit, cursor } }, request.datasetVersion)
    // Seven measures of nine numbers each make most of a row: asking for fewer shrinks the answer.
    if (measures.length < MEASURES.length) {
      for (const row of page.rows) row.figures = Object.fromEntries(measures.map((m) => [m, row.figures[m]])) as Row['figures']
    }
    const csv = [...groupBy.flatMap((d) => KEY_CSV[d]), ['events', (r: Row) => r.events] as CsvColumn<Row>, ...figureCsv(measures)]
    const body = sendList(request, reply, { page, limit, csv, filename: 'event-stats' })
    if (!('data' in body)) return body
    return { ...body, meta: { ...body.meta, groupBy, period, source: page.source, rule: RULE } }
  })
}

export default routes
