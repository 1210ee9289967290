import type { FastifyReply } from 'fastify'

const signals = new WeakMap<object, AbortSignal>()

/**
 * A signal that fires when the client closes its connection before its response is complete. Work
 * done for a request on other threads (stats tasks) takes it, so a client that gives up frees its
 * place in the queue at once instead of holding it until the task's time limit. One signal per
 * response, made on first use: most requests never ask.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const res = reply.raw
  let signal = signals.get(res)
  if (signal) return signal
  const controller = new AbortController()
  signal = controller.signal
  signals.set(res, signal)
  const closed = () => { if (!res.writableFinished) controller.abort(new Error('the client closed the connection')) }
  if (res.destroyed) closed()
  else res.once('close', closed)
  return signal
}
