import { afterAll, beforeAll, describe } from 'vitest'
import { type RunningGateway, startGateway } from '../index'
import { type CaddyProcess, startCaddy } from './support/caddy'
import { clock, FLOW_CONFIG, type FlowSetup, proxyFlows } from './support/flows'
import { startJsonApi, startStaticSite, type UpstreamApp } from './support/upstreamApps'

describe('Debian Caddy with forward_auth in front of two plain apps', () => {
  let gateway: RunningGateway
  let caddy: CaddyProcess
  let site: UpstreamApp
  let api: UpstreamApp

  beforeAll(async () => {
    site = await startStaticSite()
    api = await startJsonApi()
    gateway = await startGateway({ config: FLOW_CONFIG, now: () => clock.now })
    caddy = await startCaddy({ gateway: gateway.url, upstreams: [site.url, api.url] })
  })
  afterAll(async () => {
    await caddy?.stop()
    await gateway?.close()
    await site?.close()
    await api?.close()
  })

  proxyFlows(
    (): FlowSetup => ({
      siteOrigin: caddy.origins[0]!,
      apiOrigin: caddy.origins[1]!,
      apiBase: caddy.origins[1]!,
      site,
      api,
      deadlinesOnResponses: true,
    }),
  )
})
