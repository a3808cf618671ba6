import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type RunningGateway, startGateway } from '../index'
import { Browser } from './support/browser'
import { startJsonApi, type UpstreamApp } from './support/upstreamApps'

let api: UpstreamApp & { releaseHeld(): void }
let gateway: RunningGateway

beforeAll(async () => {
  api = await startJsonApi()
  gateway = await startGateway({
    config: {
      listen: { port: 0 },
      policy: { idleTimeout: '10m', absoluteTimeout: '1h' },
      devSignIn: true,
      audit: false,
      upstream: [{ prefix: '/api', url: api.url }],
    },
  })
})
afterAll(async () => {
  await gateway?.close()
  await api?.close()
})

it('on shutdown fails /readyz, finishes in-flight requests and closes proxied sockets with 1001', async () => {
  const browser = new Browser()
  await browser.signIn(gateway.url, 'lee')
  const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
  const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/api/live`, { headers: { cookie } })
  await new Promise((resolve) => socket.once('message', resolve))
  const closedWith = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))

  const before = api.seen.length
  const inFlight = browser.fetch(`${gateway.url}/api/hold`)
  while (api.seen.length === before) await new Promise((resolve) => setImmediate(resolve))

  gateway.drain()
  expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503)
  const closing = gateway.close()
  expect(await closedWith).toBe(1001)
  api.releaseHeld()
  const response = await inFlight
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ held: true })
  await closing
})
