import { errorCodes, type FastifyRequest } from 'fastify'
import sjson from 'secure-json-parse'

const POISONING = { protoAction: 'error', constructorAction: 'error' } as const

/**
 * JSON bodies as Fastify reads them (secure-json-parse, refusing keys that would set an object's
 * prototype), except that such a key is named: Fastify called the whole body "not valid JSON",
 * which it is. No write or query takes a `__proto__` or `constructor.prototype`, so the answer
 * is the 400 an unknown field gets.
 */
export function jsonBodyParser(_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY())
  try {
    done(null, sjson.parse(text, POISONING))
  } catch (err) {
    if (!(err instanceof SyntaxError) || !/forbidden prototype property/.test(err.message)) return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY())
    const key = /"__proto__"\s*:/.test(text) ? '__proto__' : 'constructor'
    const message = `unknown field: a "${key}" key ${key === 'constructor' ? 'holding a "prototype" ' : ''}is taken by no request`
    done(Object.assign(new Error(`invalid body: ${key}: ${message}`), {
      statusCode: 400, code: 'VALIDATION_FAILED', errors: [{ parameter: key, in: 'body', message }],
    }))
  }
}
