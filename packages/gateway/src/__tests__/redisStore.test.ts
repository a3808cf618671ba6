import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `curfew-gateway-test-${randomBytes(4).toString('hex')}:`
const policy = { idleTimeout: '10m', absoluteTimeout: '1h' }

async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/curfew/signin`, {
    method: 'POST',
    body: new URLSearchParams({ subject: 'redis-user' }),
    headers: { accept: 'application/json', origin: url },
  })
  expect(response.status).toBe(200)
  return response.headers.getSetCookie()[0]!.split(';')[0]!
}

describe('with a Redis store', () => {
  let first: RunningGateway
  let second: RunningGateway

  beforeAll(async () => {
    const config = {
      listen: { port: 0 },
      policy,
      devSignIn: true,
      audit: false as const,
      store: { redis: REDIS_URL, prefix },
    }
    first = await startGateway({ config })
    second = await startGateway({ config })
  })
  afterAll(async () => {
    await first?.close()
    await second?.close()
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })

  it('shares sessions between gateways: sign in on one, pass forward auth and sign out on the other', async () => {
    const cookie = await signIn(first.url)
    const host = new URL(second.url).host
    const auth = () =>
      fetch(`${second.url}/auth`, { headers: { cookie, 'x-original-uri': '/x', 'x-forwarded-host': host } })
    const passed = await auth()
    expect(passed.status).toBe(200)
    expect(passed.headers.get('x-curfew-subject')).toBe('redis-user')
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200)
    const out = await fetch(`${first.url}/curfew/signout`, {
      method: 'POST',
      headers: { cookie, accept: 'application/json', origin: first.url },
    })
    expect(out.status).toBe(200)
    expect((await auth()).status).toBe(401)
  })
})

describe('while the store is down', () => {
  let gateway: RunningGateway

  beforeAll(async () => {
    gateway = await startGateway({
      // Nothing listens on port 1: the store is down from the start.
      config: { listen: { port: 0 }, policy, audit: false, store: { redis: 'redis://127.0.0.1:1' } },
    })
  })
  afterAll(async () => {
    await gateway?.close()
  })

  it('fails /readyz and answers forward auth with 503 (onStoreError "unavailable", the default), never 500', async () => {
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toEqual({ status: 'store_unavailable' })
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
    const response = await fetch(`${gateway.url}/auth`, {
      headers: { cookie: `curfew_session=${'A'.repeat(43)}`, 'x-original-uri': '/x' },
    })
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ reason: 'store_unavailable' })
  })
})
