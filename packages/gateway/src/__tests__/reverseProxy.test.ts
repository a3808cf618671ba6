import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type RunningGateway, startGateway } from '../index'
import { Browser } from './support/browser'
import { clock, FLOW_CONFIG, type FlowSetup, proxyFlows } from './support/flows'
import { startJsonApi, startStaticSite, type UpstreamApp } from './support/upstreamApps'

describe('reverse-proxy mode: the gateway itself in front of two plain apps', () => {
  let gateway: RunningGateway
  let site: UpstreamApp
  let api: UpstreamApp

  beforeAll(async () => {
    site = await startStaticSite()
    api = await startJsonApi()
    gateway = await startGateway({
      config: {
        ...FLOW_CONFIG,
        upstream: [
          { prefix: '/api', url: api.url },
          { prefix: '/', url: site.url },
        ],
      },
      now: () => clock.now,
    })
  })
  afterAll(async () => {
    await gateway?.close()
    await site?.close()
    await api?.close()
  })

  proxyFlows(
    (): FlowSetup => ({
      siteOrigin: gateway.url,
      apiOrigin: gateway.url,
      apiBase: `${gateway.url}/api`,
      site,
      api,
      deadlinesOnResponses: true,
    }),
  )

  it('never hands the session cookie to an upstream, only the identity headers', async () => {
    const browser = new Browser()
    await browser.signIn(gateway.url, 'jo')
    const response = await browser.fetch(`${gateway.url}/api/data`, { headers: { cookie: 'theme=dark' } })
    const body = (await response.json()) as { subject: string; cookie: string | null }
    expect(body.subject).toBe('jo')
    expect(body.cookie ?? '').not.toContain('curfew_session')
  })

  function openSocket(
    browser: Browser | null,
  ): Promise<{ socket: WebSocket; hello: unknown } | { status: number }> {
    const headers: Record<string, string> = { origin: gateway.url }
    if (browser) headers.cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
    const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/api/ws`, { headers })
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) =>
        resolve({ status: response.statusCode ?? 0 }),
      )
      socket.once('message', (data) => resolve({ socket, hello: JSON.parse(String(data)) }))
      socket.once('close', (code) => reject(new Error(`socket closed with ${code} before any message`)))
      socket.once('error', reject)
    })
  }

  it('proxies a WebSocket with the identity, and refuses one without a session before upgrading', async () => {
    const browser = new Browser()
    await browser.signIn(gateway.url, 'kim')
    const opened = await openSocket(browser)
    expect('hello' in opened && opened.hello).toEqual({ hello: 'kim' })
    if ('socket' in opened) {
      const echo = new Promise((resolve) => opened.socket.once('message', (data) => resolve(String(data))))
      opened.socket.send('ping')
      expect(await echo).toBe('ping')
      opened.socket.close()
    }
    expect(await openSocket(null)).toEqual({ status: 401 })
    const forged = new Browser()
    forged.cookies.set('curfew_session', 'B'.repeat(43))
    expect(await openSocket(forged)).toEqual({ status: 401 })
  })

  async function liveSocket(
    browser: Browser,
  ): Promise<{ socket: WebSocket; closed: Promise<[number, string]> }> {
    const opened = await openSocket(browser)
    if (!('socket' in opened)) throw new Error(`upgrade refused with ${opened.status}`)
    const closed = new Promise<[number, string]>((resolve) =>
      opened.socket.once('close', (code, reason) => resolve([code, String(reason)])),
    )
    return { socket: opened.socket, closed }
  }

  it('cuts a proxied WebSocket with 4401 when its session is signed out elsewhere', async () => {
    const browser = new Browser()
    await browser.signIn(gateway.url, 'lin')
    const { closed } = await liveSocket(browser)
    const out = await browser.fetch(`${gateway.url}/session/logout`, {
      method: 'POST',
      headers: { origin: gateway.url },
    })
    expect(out.status).toBe(200)
    expect(await closed).toEqual([4401, 'logout'])
  })

  it('cuts a proxied WebSocket with 4401 at the idle deadline, even while messages flow', async () => {
    const browser = new Browser()
    await browser.signIn(gateway.url, 'max')
    const { socket, closed } = await liveSocket(browser)
    // Socket messages are not activity: a chatty feed must not keep an absent user signed in.
    socket.send('still here')
    await new Promise((resolve) => socket.once('message', resolve))
    clock.now += 10_001
    // The watch's own timer would fire at the deadline; here the test clock jumps past it instead, so
    // the next check of the session (a passive status check) finds it expired, and that audited end
    // closes every watched socket of the session at once. No sleeps.
    await browser.fetch(`${gateway.url}/session`)
    expect(await closed).toEqual([4401, 'idle'])
  })
})
