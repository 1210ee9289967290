import Fastify from 'fastify'

// The baseline: Fastify answering a small JSON body with nothing behind it, on the same machine
// and in the same run as the API, so that the API's figures can be read as ratios to it.
const app = Fastify({ logger: false })
app.get('/bare', async () => ({ data: { id: 'bare', title: 'A fixed record' } }))
// The same route with a body as large as a page of the API, to show what sending the bytes costs.
const large = JSON.stringify({ data: 'x'.repeat(Math.max(0, Number(process.env.LARGE_BYTES ?? 0) - 12)) })
app.get('/bare-large', async (_req, reply) => reply.type('application/json').send(large))
// A body of any size up to 8 MB (`/bare-sized?bytes=N`), made once per size and kept as bytes, as
// a response cache keeps them: what sending as many bytes as a larger answer costs a route that
// does nothing else.
const sized = new Map<number, Buffer>()
app.get('/bare-sized', async (req, reply) => {
  const bytes = Math.min(8 << 20, Math.max(12, Number((req.query as { bytes?: string }).bytes) || 12))
  let body = sized.get(bytes)
  if (!body) sized.set(bytes, body = Buffer.from(JSON.stringify({ data: 'x'.repeat(bytes - 12) })))
  return reply.type('application/json').send(body)
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.send?.('ready')
