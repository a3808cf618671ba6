import { afterAll, beforeAll, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'
import { Browser } from './support/browser'
import { type NginxProcess, startNginx } from './support/nginx'
import { startJsonApi, startStaticSite, type UpstreamApp } from './support/upstreamApps'

let gateway: RunningGateway
let nginx: NginxProcess
let site: UpstreamApp
let api: UpstreamApp
let now = 1_800_000_000_000

beforeAll(async () => {
  site = await startStaticSite()
  api = await startJsonApi()
  gateway = await startGateway({
    config: {
      listen: { port: 0 },
      policy: { idleTimeout: '10s', absoluteTimeout: '60s' },
      devSignIn: true,
      audit: false,
    },
    now: () => now,
  })
  nginx = await startNginx({ gateway: gateway.url, sites: [{ upstream: site.url }, { upstream: api.url }] })
})
afterAll(async () => {
  await nginx?.stop()
  await gateway?.close()
  await site?.close()
  await api?.close()
})

it('smoke', async () => {
  const browser = new Browser()
  const [siteOrigin, apiOrigin] = nginx.origins as [string, string]
  const before = await browser.fetch(`${siteOrigin}/page`, { html: true })
  console.log(before.status, before.headers.get('location'))
  const signedIn = await browser.signIn(siteOrigin, 'ada')
  console.log(signedIn.status, signedIn.headers.get('location'), browser.cookies)
  const page = await browser.fetch(`${siteOrigin}/page`, { html: true })
  console.log(page.status, [...page.headers], await page.text())
  const json = await browser.fetch(`${apiOrigin}/data`)
  console.log(json.status, await json.text())
  now += 11_000
  const after = await browser.fetch(`${apiOrigin}/data`)
  console.log(after.status, await after.text())
  expect(1).toBe(1)
})
