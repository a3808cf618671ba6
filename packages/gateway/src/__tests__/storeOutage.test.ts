import { spareRedis } from '@curfew/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'
import { type CaddyProcess, startCaddy } from './support/caddy'
import { type NginxProcess, startNginx } from './support/nginx'
import { startStaticSite, type UpstreamApp } from './support/upstreamApps'

const policy = { idleTimeout: '10m', absoluteTimeout: '1h' }

/** Polls `check` until it holds (a reconnect takes ioredis a moment); fails with the last value. */
async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  let last: T | undefined
  for (let attempt = 0; attempt < 200; attempt++) {
    last = await read()
    if (holds(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`never held; last: ${JSON.stringify(last)}`)
}

describe('a Redis outage in the middle of traffic (a real redis-server, killed and restarted)', () => {
  let redis: Awaited<ReturnType<typeof spareRedis>>
  let unavailable: RunningGateway
  let deny: RunningGateway
  let nginx: NginxProcess
  let caddy: CaddyProcess
  let site: UpstreamApp

  beforeAll(async () => {
    // Persistent, so the session written before the outage is there after it (as with a Redis that
    // restarts from its append-only file, or a replica taking over).
    redis = await spareRedis({ persist: true })
    const config = {
      listen: { port: 0 },
      policy,
      devSignIn: true,
      audit: false as const,
      store: { redis: redis.url },
      storeTimeout: 300,
    }
    unavailable = await startGateway({ config }) // the default: onStoreError "unavailable"
    deny = await startGateway({ config: { ...config, onStoreError: 'deny' } })
    site = await startStaticSite()
    nginx = await startNginx({ gateway: unavailable.url, sites: [{ upstream: site.url }] })
    caddy = await startCaddy({ gateway: unavailable.url, upstreams: [site.url] })
  })
  afterAll(async () => {
    await nginx?.stop()
    await caddy?.stop()
    await unavailable?.close()
    await deny?.close()
    await site?.close()
    await redis?.dispose()
  })

  it('answers /auth 503 (default) or 401 ("deny") and fails /readyz while Redis is down; all recover', async () => {
    const signIn = await fetch(`${unavailable.url}/curfew/signin`, {
      method: 'POST',
      body: new URLSearchParams({ subject: 'outage-user' }),
      headers: { accept: 'application/json', origin: unavailable.url },
    })
    expect(signIn.status).toBe(200)
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!
    const auth = (gateway: RunningGateway) =>
      fetch(`${gateway.url}/auth`, {
        headers: { cookie, 'x-original-uri': '/page', 'x-forwarded-host': new URL(gateway.url).host },
      })
    const browser = (origin = nginx.origins[0]) =>
      fetch(`${origin}/index.html`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' })
    const ready = async (gateway: RunningGateway) => (await fetch(`${gateway.url}/readyz`)).status

    expect((await auth(unavailable)).status).toBe(200)
    expect((await auth(deny)).status).toBe(200)
    expect((await browser()).status).toBe(200)
    expect((await browser(caddy.origins[0])).status).toBe(200)
    expect(await ready(unavailable)).toBe(200)

    await redis.stop()

    const down = await eventually(
      () => auth(unavailable),
      (r) => r.status !== 200,
    )
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('5')
    expect(down.headers.getSetCookie()).toEqual([]) // the cookie survives the outage
    expect(await down.json()).toMatchObject({ reason: 'store_unavailable' })

    const denied = await auth(deny)
    expect(denied.status).toBe(401)
    expect(denied.headers.getSetCookie()).toEqual([])
    expect(await denied.json()).toMatchObject({ reason: 'store_unavailable' })

    expect(await ready(unavailable)).toBe(503)
    expect(await ready(deny)).toBe(503)
    expect((await fetch(`${unavailable.url}/healthz`)).status).toBe(200)

    // Through Debian's nginx and the shipped snippet: a 503 with Retry-After, not a 302 to sign-in
    // (which could not complete without the store) and not nginx's bare 500.
    const page = await browser()
    expect(page.status).toBe(503)
    expect(page.headers.get('retry-after')).toBe('5')
    expect(page.headers.get('location')).toBeNull()
    expect(site.seen.length).toBeGreaterThan(0)
    const hitsBefore = site.seen.length
    await browser()
    // Debian's Caddy with the shipped snippet passes the gateway's 503 on as it is (no 302 to sign-in).
    const viaCaddy = await browser(caddy.origins[0])
    expect(viaCaddy.status).toBe(503)
    expect(viaCaddy.headers.get('retry-after')).toBe('5')
    expect(viaCaddy.headers.get('location')).toBeNull()
    expect(site.seen.length).toBe(hitsBefore) // the app never sees a request while the store is down

    await redis.start()

    await eventually(
      () => ready(unavailable),
      (status) => status === 200,
    )
    await eventually(
      () => ready(deny),
      (status) => status === 200,
    )
    const back = await eventually(
      () => auth(unavailable),
      (r) => r.status === 200,
    )
    expect(back.headers.get('x-curfew-subject')).toBe('outage-user')
    await eventually(
      () => auth(deny),
      (r) => r.status === 200,
    )
    expect((await browser()).status).toBe(200)
    expect((await browser(caddy.origins[0])).status).toBe(200)
  })
})
