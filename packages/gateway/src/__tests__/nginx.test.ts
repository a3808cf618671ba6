import { afterAll, beforeAll, describe } from 'vitest'
import { type RunningGateway, startGateway } from '../index'
import { clock, FLOW_CONFIG, type FlowSetup, proxyFlows } from './support/flows'
import { type NginxProcess, startNginx } from './support/nginx'
import { startJsonApi, startStaticSite, type UpstreamApp } from './support/upstreamApps'

describe('Debian nginx with auth_request in front of two plain apps', () => {
  let gateway: RunningGateway
  let nginx: NginxProcess
  let site: UpstreamApp
  let api: UpstreamApp

  beforeAll(async () => {
    site = await startStaticSite()
    api = await startJsonApi()
    gateway = await startGateway({ config: FLOW_CONFIG, now: () => clock.now })
    nginx = await startNginx({ gateway: gateway.url, sites: [{ upstream: site.url }, { upstream: api.url }] })
  })
  afterAll(async () => {
    await nginx?.stop()
    await gateway?.close()
    await site?.close()
    await api?.close()
  })

  proxyFlows(
    (): FlowSetup => ({
      siteOrigin: nginx.origins[0]!,
      apiOrigin: nginx.origins[1]!,
      apiBase: nginx.origins[1]!,
      site,
      api,
      deadlinesOnResponses: true,
    }),
  )
})
