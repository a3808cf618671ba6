import { parseSessionHeader } from '@curfew/core'
import { expect, it } from 'vitest'
import type { GatewayConfigInput } from '../../index'
import { Browser } from './browser'
import type { UpstreamApp } from './upstreamApps'

/** The gateway config every proxy test runs: short policy, one passive path, public assets, dev sign-in. */
export const FLOW_CONFIG: GatewayConfigInput = {
  listen: { port: 0 },
  policy: { idleTimeout: '10s', absoluteTimeout: '60s' },
  // The API's poll path, behind a proxy of its own (`/api/poll`) and under the gateway's `/api` prefix.
  passive: ['/api/poll', '/api/api/poll'],
  public: ['/assets/**'],
  devSignIn: true,
  audit: false,
}

/** A test clock the gateway reads: no sleeps, no timing thresholds. */
export const clock = { now: 1_800_000_000_000 }

/** What a proxy test hands the shared flows. */
export interface FlowSetup {
  /** Origin (through the proxy) of the static site and of the JSON API: two apps, one session. */
  siteOrigin: string
  apiOrigin: string
  /** Where the API's own paths start: its origin behind nginx/Caddy, `<gateway>/api` in reverse-proxy mode. */
  apiBase: string
  site: UpstreamApp
  api: UpstreamApp
  /** The proxy copies `Curfew-Session` onto app responses (nginx, Caddy, reverse-proxy mode). */
  deadlinesOnResponses: boolean
}

async function signInAs(browser: Browser, setup: FlowSetup, subject: string): Promise<void> {
  const response = await browser.signIn(setup.siteOrigin, subject)
  expect(response.status).toBe(303)
  expect(browser.cookies.size).toBe(1)
}

async function json(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toContain('application/json')
  return (await response.json()) as Record<string, unknown>
}

/**
 * The flows every deployment must show (nginx `auth_request`, Caddy `forward_auth`, reverse-proxy mode):
 * declared as `it` blocks in the caller's `describe`.
 */
export function proxyFlows(get: () => FlowSetup): void {
  it('sends a browser to sign in and back, then passes the identity to both apps', async () => {
    const setup = get()
    const browser = new Browser()
    const first = await browser.fetch(`${setup.siteOrigin}/page?tab=2`, { html: true })
    expect(first.status).toBe(302)
    const signInUrl = new URL(first.headers.get('location')!, setup.siteOrigin)
    expect(signInUrl.searchParams.get('rd')).toBe(`${setup.siteOrigin}/page?tab=2`)
    const form = await browser.fetch(signInUrl.href, { html: true })
    expect(form.status).toBe(200)
    expect(await form.text()).toContain('Development sign-in')
    const posted = await browser.fetch(`${setup.siteOrigin}/curfew/signin`, {
      method: 'POST',
      body: new URLSearchParams({ subject: 'ada', rd: signInUrl.searchParams.get('rd')! }),
      headers: { origin: setup.siteOrigin, 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe(`${setup.siteOrigin}/page?tab=2`)

    const page = await browser.fetch(`${setup.siteOrigin}/page?tab=2`, { html: true })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('static page /page')
    if (setup.deadlinesOnResponses) {
      expect(parseSessionHeader(page.headers.get('curfew-session')!)?.state).toBe('active')
    }
    expect(setup.site.seen.at(-1)?.['x-curfew-subject']).toBe('ada')
    expect(setup.site.seen.at(-1)?.['x-curfew-session']).toMatch(/^s_/)

    const data = await json(await browser.fetch(`${setup.apiBase}/data`))
    expect(data.subject).toBe('ada')
    expect(data.session).toBe(setup.site.seen.at(-1)?.['x-curfew-session'])
  })

  it('serves the session protocol on each app’s origin for @curfew/client', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'bea')
    const status = await json(await browser.fetch(`${setup.apiOrigin}/session`))
    expect(status).toMatchObject({ state: 'active', subject: 'bea' })
    const extended = await browser.fetch(`${setup.apiOrigin}/session/activity`, {
      method: 'POST',
      headers: { origin: setup.apiOrigin },
    })
    expect(extended.status).toBe(200)
  })

  it('after the idle deadline both apps refuse the next request, which never reaches them', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'cy')
    expect((await browser.fetch(`${setup.apiBase}/data`)).status).toBe(200)
    const seen = { site: setup.site.seen.length, api: setup.api.seen.length }
    clock.now += 10_001
    const page = await browser.fetch(`${setup.siteOrigin}/page`, { html: true })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toContain('/curfew/signin?rd=')
    expect((await browser.fetch(`${setup.apiBase}/data`)).status).toBe(401)
    expect({ site: setup.site.seen.length, api: setup.api.seen.length }).toEqual(seen)
  })

  it('cuts the session at the absolute deadline under continuous traffic', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'di')
    const signedInAt = clock.now
    const statuses: Array<[number, number]> = []
    while (clock.now - signedInAt <= 65_000) {
      clock.now += 5_000
      const origin = statuses.length % 2 === 0 ? setup.apiBase : setup.siteOrigin
      const response = await browser.fetch(`${origin}/data`)
      statuses.push([clock.now - signedInAt, response.status])
    }
    for (const [elapsed, status] of statuses)
      expect([elapsed, status]).toEqual([elapsed, elapsed < 60_000 ? 200 : 401])
  })

  it('never extends the session on a passive path', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'eve')
    for (let i = 0; i < 3; i++) {
      clock.now += 3_000
      expect((await browser.fetch(`${setup.apiBase}/api/poll`)).status).toBe(200)
    }
    clock.now += 1_001
    expect((await browser.fetch(`${setup.apiBase}/api/poll`)).status).toBe(401)
  })

  it('activity on one app keeps the session alive on the other', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'flo')
    for (let i = 0; i < 4; i++) {
      clock.now += 8_000
      expect((await browser.fetch(`${setup.apiBase}/data`)).status).toBe(200)
    }
    expect((await browser.fetch(`${setup.siteOrigin}/page`)).status).toBe(200)
  })

  it('signing out on one app ends the session for the other', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'gil')
    const cookies = new Map(browser.cookies)
    expect((await browser.fetch(`${setup.apiBase}/data`)).status).toBe(200)
    const out = await browser.fetch(`${setup.siteOrigin}/curfew/signout?rd=/`, {
      method: 'POST',
      headers: { origin: setup.siteOrigin },
    })
    expect(out.status).toBe(303)
    expect(browser.cookies.size).toBe(0)
    // Even a copy of the old cookie (another tab, a stolen token) is refused on the other app.
    const stale = new Browser()
    for (const [name, value] of cookies) stale.cookies.set(name, value)
    const refused = await stale.fetch(`${setup.apiBase}/data`)
    expect(refused.status).toBe(401)
  })

  it('the browser SDK’s logout on one app ends the session for the other', async () => {
    const setup = get()
    const browser = new Browser()
    await signInAs(browser, setup, 'hal')
    const cookies = new Map(browser.cookies)
    const out = await browser.fetch(`${setup.apiOrigin}/session/logout`, {
      method: 'POST',
      headers: { origin: setup.apiOrigin },
    })
    expect(out.status).toBe(200)
    const stale = new Browser()
    for (const [name, value] of cookies) stale.cookies.set(name, value)
    expect((await stale.fetch(`${setup.siteOrigin}/page`)).status).toBe(401)
  })

  it('lets public paths through without a session and never forwards client-sent identity headers', async () => {
    const setup = get()
    const anonymous = new Browser()
    const asset = await anonymous.fetch(`${setup.siteOrigin}/assets/app.css`, {
      headers: { 'x-curfew-subject': 'mallory', 'x-curfew-session': 's_forged' },
    })
    expect(asset.status).toBe(200)
    // Absent, or empty (Caddy 2.6 copies an absent header as an empty one).
    expect(setup.site.seen.at(-1)?.['x-curfew-subject'] ?? '').toBe('')
    expect(setup.site.seen.at(-1)?.['x-curfew-session'] ?? '').toBe('')
    // No deadline on an anonymous answer (Caddy's `header` line sends an empty value, which the SDK ignores).
    expect(parseSessionHeader(asset.headers.get('curfew-session'))).toBeNull()

    const browser = new Browser()
    await signInAs(browser, setup, 'ivy')
    const data = await json(
      await browser.fetch(`${setup.apiBase}/data`, { headers: { 'x-curfew-subject': 'mallory' } }),
    )
    expect(data.subject).toBe('ivy')
  })

  it('answers a forged cookie with 401 and never 500', async () => {
    const setup = get()
    const browser = new Browser()
    browser.cookies.set('curfew_session', 'A'.repeat(43))
    expect((await browser.fetch(`${setup.apiBase}/data`)).status).toBe(401)
  })
}
