import { existsSync, readFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NGINX, startCluster, type Cluster } from '../../deploy/cluster.ts'

// CI installs nginx; elsewhere the test runs when nginx is there.
const run = existsSync(NGINX) || process.env.CI === 'true'
/** Replicas look for a release this often; a release reaches them within PROPAGATION_MS. */
const POLL_MS = 300
const PROPAGATION_MS = 10_000

let cluster: Cluster

/** A GET that sends no Accept-Encoding and reads the body as it comes (fetch always asks for a coding). */
const rawGet = (url: string) => new Promise<{ headers: Record<string, string | string[] | undefined>, body: string }>((resolve, reject) => {
  httpGet(url, (res) => {
    let body = ''
    res.setEncoding('latin1').on('data', (c: string) => { body += c }).on('end', () => resolve({ headers: res.headers, body }))
  }).on('error', reject)
})
const version = async (base: string) => ((await (await fetch(`${base}/v1/dataset`)).json()) as { data: { version: number } }).data.version

async function load(url: string, path: () => string, seconds: number) {
  const errorMessages: string[] = []
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ url, connections: 10, duration: seconds, requests: [{ setupRequest: (req: any) => ({ ...req, path: path() }) }] },
      (err, result) => (err ? reject(err) : resolve(result)))
    run.on('reqError', (err: Error) => errorMessages.push(err.message))
  })
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, errorMessages }
}

describe.skipIf(!run)('primary, two replicas and nginx on loopback ports', () => {
  beforeAll(async () => {
    cluster = await startCluster({ pollMs: POLL_MS, cacheControl: 'public, max-age=0, s-maxage=1, stale-while-revalidate=2' })
  }, 90_000)
  afterAll(async () => { await cluster?.stop() }, 30_000)

  it('answers repeated reads from the cache, and conditional requests with 304 from the cache', async () => {
    const url = `${cluster.url}/v1/events?limit=5`
    const first = await fetch(url)
    const second = await fetch(url)
    expect(first.headers.get('x-cache-status')).toMatch(/MISS|EXPIRED|STALE|UPDATING|HIT/)
    expect(second.headers.get('x-cache-status')).toBe('HIT')
    expect(await second.text()).toBe(await first.text())
    const etag = second.headers.get('etag')!
    const conditional = await fetch(url, { headers: { 'if-none-match': etag } })
    expect(conditional.status).toBe(304)
    expect(conditional.headers.get('x-cache-status')).toBe('HIT')
    expect(conditional.headers.get('etag')).toBe(etag)
    // The cache keeps a representation per Accept-Encoding (the app says Vary: Accept-Encoding):
    // a client that takes no coding is never given the compressed one.
    const big = `${cluster.url}/v1/events?limit=100`
    for (let i = 0; i < 2; i++) expect((await fetch(big, { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-encoding')).toBe('gzip')
    const raw = await rawGet(big)
    expect(raw.headers['content-encoding']).toBeUndefined()
    expect(JSON.parse(raw.body).data.length).toBeGreaterThan(5)
    // Writes go to the primary, never to the cache or a replica.
    const refused = await fetch(`${cluster.url}/v1/sources`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(refused.status).toBe(401)
    // nginx writes its log line once the response is sent, which can be after the client has it.
    const line = `"POST /v1/sources HTTP/1.1" 401 cache=- upstream=${cluster.primaryUrl.replace('http://', '')}`
    const logged = () => readFileSync(join(cluster.dir, 'nginx', 'access.log'), 'utf8')
    for (let i = 0; i < 40 && !logged().includes(line); i++) await new Promise((res) => setTimeout(res, 50))
    expect(logged()).toContain(line)
  })

  it(`brings a write and a release to every replica within ${PROPAGATION_MS} ms, after which old ETags no longer match`, async () => {
    const url = `${cluster.url}/v1/events?limit=5`
    const oldEtag = (await fetch(url)).headers.get('etag')!
    const admin = { authorization: `Bearer ${cluster.adminKey}`, 'content-type': 'application/json' }
    const source = ((await (await fetch(`${cluster.primaryUrl}/v1/sources`)).json()) as { data: { id: string }[] }).data[0]!
    const ifMatch = (await fetch(`${cluster.primaryUrl}/v1/dataset`)).headers.get('etag')!
    const patched = await fetch(`${cluster.url}/v1/sources/${source.id}`, { method: 'PATCH', headers: { ...admin, 'if-match': ifMatch }, body: JSON.stringify({ note: 'checked for the release' }) })
    expect(patched.status).toBe(200)
    const target = await version(cluster.primaryUrl)
    const made = await fetch(`${cluster.url}/v1/releases`, { method: 'POST', headers: admin, body: JSON.stringify({ tag: `${new Date().getUTCFullYear()}.2` }) })
    expect(made.status).toBe(201)

    const t0 = Date.now()
    const reached = await Promise.all(cluster.replicaUrls.map(async (r) => {
      while (await version(r) !== target) {
        if (Date.now() - t0 > PROPAGATION_MS) throw new Error(`${r} did not reach version ${target}`)
        await new Promise((res) => setTimeout(res, 50))
      }
      return Date.now() - t0
    }))
    console.log(`release reached the replicas after ${reached.join(' ms and ')} ms`)
    // Through the cache the old entry may be served until s-maxage plus stale-while-revalidate run out.
    let status = 0
    let etag = oldEtag
    while (Date.now() - t0 < PROPAGATION_MS + 3000) {
      const res = await fetch(url, { headers: { 'if-none-match': oldEtag } })
      status = res.status
      etag = res.headers.get('etag')!
      if (status === 200) break
      await new Promise((res) => setTimeout(res, 100))
    }
    expect(status).toBe(200)
    // fetch takes brotli and gzip, so the answer is the version's compressed representation.
    expect(etag).toMatch(new RegExp(`^"v${target}-json(-br|-gzip)?"$`))
    expect(etag).not.toBe(oldEtag)
    console.log(`through nginx the old ETag stopped matching after ${Date.now() - t0} ms`)
  }, 30_000)

  it('measures req/s through nginx with and without its cache, and against one process', async () => {
    let n = 0
    // Every request a different URL, so neither nginx nor the app's own cache can answer it.
    const distinct = () => `/v1/events?limit=${(n % 200) + 1}&updatedSince=2020-01-01T${String(Math.floor(n / 3600) % 24).padStart(2, '0')}:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n++ % 60).padStart(2, '0')}Z`
    const same = () => '/v1/events?limit=20'
    const rows = {
      'nginx, cached (one URL)': await load(cluster.url, same, 2),
      'nginx, no cache, 2 replicas (one URL, app cache)': await load(cluster.uncachedUrl, same, 2),
      'one process (one URL, app cache)': await load(cluster.primaryUrl, same, 2),
      'nginx, no cache, 2 replicas (distinct URLs)': await load(cluster.uncachedUrl, distinct, 2),
      'one process (distinct URLs)': await load(cluster.primaryUrl, distinct, 2),
    }
    console.log('| case | req/s | p50 ms | p99 ms | errors |\n| --- | ---: | ---: | ---: | ---: |\n'
      + Object.entries(rows).map(([k, r]) => `| ${k} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx + r.timeouts} |`).join('\n'))
    // No response may be an error; a rare socket error of the load generator on this busy machine is
    // reported in the table rather than failing a measurement (the next test asserts none at all).
    for (const r of Object.values(rows)) expect(r.non2xx).toBe(0)
    expect(rows['nginx, cached (one URL)'].rps).toBeGreaterThan(rows['one process (distinct URLs)'].rps)
  }, 30_000)

  it('answers every read when a replica is killed during a load run (at most one dropped connection in a thousand)', async () => {
    let n = 0
    // Distinct URLs miss the cache, so every request reaches a replica. Pages stay small: a
    // response the replica had begun to send when it died is cut, since nginx cannot take back
    // what it has forwarded (see docs/operations.md); this checks that nothing else fails.
    const path = () => `/v1/events?limit=${(n % 10) + 1}&updatedSince=2021-01-01T${String(Math.floor(n / 3600) % 24).padStart(2, '0')}:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n++ % 60).padStart(2, '0')}Z`
    const running = load(cluster.url, path, 4)
    await new Promise((res) => setTimeout(res, 1500))
    await cluster.stopReplica(0, 'SIGKILL')
    const r = await running
    console.log(`load run while a replica was killed: ${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors ${JSON.stringify(r.errorMessages)}, ${r.timeouts} timeouts`)
    expect(r.total).toBeGreaterThan(300)
    // No answer is an error status and none times out. Some CI runs of about 10,000 requests
    // have seen two dropped client connections at the kill whose cause is not found yet
    // (docs/operations.md); more than one in a thousand would be a regression.
    expect({ non2xx: r.non2xx, timeouts: r.timeouts }).toEqual({ non2xx: 0, timeouts: 0 })
    expect(r.errors).toBeLessThanOrEqual(Math.ceil(r.total / 1000))
    const log = readFileSync(join(cluster.dir, 'nginx', 'access.log'), 'utf8')
    const [killed, kept] = cluster.replicaUrls.map((u) => u.replace('http://', ''))
    const misses = log.split('\n').filter((l) => l.includes('updatedSince=2021') && l.includes('cache=MISS'))
    expect(misses.length).toBeGreaterThanOrEqual(r.total)
    expect(misses.some((l) => l.includes(`upstream=${killed} `))).toBe(true)
    // Reads that were on the killed replica, or sent to it before nginx saw it go, were retried on the other.
    const retried = misses.filter((l) => l.includes(`upstream=${killed}, ${kept}`)).length
    console.log(`${misses.length} reads reached a replica; ${retried} of them were retried on the surviving one`)
    expect(misses.at(-1)).toContain(kept)
  }, 30_000)
})
