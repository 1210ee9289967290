import type { preHandlerAsyncHookHandler, RouteOptions } from 'fastify'
import { lowerBound, upperBoundExclusive } from '../domain/dates.ts'
import { InvalidParameterError } from '../errors.ts'

/**
 * `from` after `to` selects nothing, whatever the data: most likely the two were swapped, so it is
 * a 400 naming both rather than an empty page that reads as "no such events".
 */
const orderedRange: preHandlerAsyncHookHandler = async (request) => {
  const { from, to } = request.query as { from?: string, to?: string }
  if (from && to && lowerBound(from) >= upperBoundExclusive(to)) {
    throw new InvalidParameterError(`from (${from}) is after to (${to}); no record can fall between them`)
  }
}

/** Adds the check to a route whose query string has both bounds: the others pay nothing for it. */
export function checkDateRange(route: RouteOptions): void {
  const shape = (route.schema?.querystring as { shape?: Record<string, unknown> } | undefined)?.shape
  if (!shape?.from || !shape.to) return
  const hooks = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
  route.preHandler = [...hooks, orderedRange]
}
