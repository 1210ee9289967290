import type { preHandlerAsyncHookHandler, RouteOptions } from 'fastify'
import { lowerBound, upperBoundExclusive } from '../domain/dates.ts'
import { InvalidParameterError } from '../errors.ts'

type Query = Record<string, unknown>

/**
 * Filters that only make sense together, checked as a pair. Each mistake below selects nothing,
 * or everything, whatever the data, so it is a 400 naming the parameters rather than an answer
 * that reads as "no such events" (or as a filter applied when it was not).
 */
export function filterPairProblem(q: Query, prefix = '', roleNeedsActor = true): string | undefined {
  const from = q.from as string | undefined, to = q.to as string | undefined
  // Most likely the two were swapped.
  if (from && to && lowerBound(from) >= upperBoundExclusive(to)) {
    return `${prefix}from (${from}) is after ${prefix}to (${to}); no record can fall between them`
  }
  // A role is the role of the actor named: without one, it would be dropped without a word. (On
  // /v1/actors/{id}/events the actor is in the path.)
  if (roleNeedsActor && q.role != null && q.actor == null) return `${prefix}role (${String(q.role)}) needs ${prefix}actor: it selects events where that actor has the role`
  for (const figure of ['Killed', 'Displaced']) {
    const min = q[`min${figure}`] as number | undefined, max = q[`max${figure}`] as number | undefined
    if (min != null && max != null && min > max) return `${prefix}min${figure} (${min}) is more than ${prefix}max${figure} (${max}); no figure can fall between them`
  }
  return undefined
}

const checkPairs = (roleNeedsActor: boolean): preHandlerAsyncHookHandler => async (request) => {
  const problem = filterPairProblem(request.query as Query, '', roleNeedsActor)
  if (problem) {
    // Each parameter the rule ties together, listed as a validation error lists them.
    const parameters = [...problem.matchAll(/\b(from|to|role|actor|min\w+|max\w+) \(|needs (actor)/g)].map((m) => m[1] ?? m[2]!)
    throw Object.assign(new InvalidParameterError(problem), { errors: [...new Set(parameters)].map((parameter) => ({ parameter, in: 'querystring', message: problem })) })
  }
}

const PAIRED = ['from', 'role', 'minKilled', 'minDisplaced']

/** Adds the check to a route whose query string has any of the pairs: the others pay nothing for it. */
export function checkFilterPairs(route: RouteOptions): void {
  const shape = (route.schema?.querystring as { shape?: Record<string, unknown> } | undefined)?.shape
  if (!shape || !PAIRED.some((k) => shape[k])) return
  const hooks = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
  route.preHandler = [...hooks, checkPairs(Boolean(shape.actor))]
}
