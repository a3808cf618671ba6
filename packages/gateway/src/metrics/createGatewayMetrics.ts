import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricsOption } from '@curfew/server'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import type { GatewayConfig } from '../config/schema'

/** The `metrics` config turned into the manager's option, and the scrape endpoint it may need. */
export interface GatewayMetrics {
  option: MetricsOption | undefined
  /** Starts the Prometheus scrape endpoint, if configured; resolves its URL. */
  listen(): Promise<string | undefined>
  close(): Promise<void>
}

type PrometheusConfig = Extract<GatewayConfig['metrics'], { prometheus: unknown }>['prometheus']

/**
 * `"global"`: the global OpenTelemetry meter provider (an SDK registered with `node --import`).
 * `false`: none. `{ "prometheus": … }`: an OpenTelemetry SDK meter provider of the gateway's own whose
 * reader is `@opentelemetry/exporter-prometheus`, scraped at `http://host:port/metrics`.
 */
export function createGatewayMetrics(config: GatewayConfig['metrics']): GatewayMetrics {
  if (config === 'global') return { option: undefined, listen: async () => undefined, close: async () => {} }
  if (config === false) return { option: false, listen: async () => undefined, close: async () => {} }
  return prometheusMetrics(config.prometheus)
}

function prometheusMetrics(config: PrometheusConfig): GatewayMetrics {
  // The gateway's HTTP server, not the exporter's: it binds `host` and reports the port it got.
  const exporter = new PrometheusExporter({ preventServerStart: true })
  const provider = new MeterProvider({ readers: [exporter] })
  let server: Server | undefined
  return {
    option: { meter: provider.getMeter('curfew') },
    listen: async () => {
      server = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0]
        if (request.method !== 'GET' || path !== config.path) {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
          return
        }
        exporter.getMetricsRequestHandler(request, response)
      })
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject)
        server!.listen(config.port, config.host, () => {
          server!.off('error', reject)
          resolve()
        })
      })
      const address = server.address() as AddressInfo
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      return `http://${host}:${address.port}${config.path}`
    },
    close: async () => {
      if (server) {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server!.close(() => resolve()))
      }
      await provider.shutdown()
    },
  }
}
