import type { AddressInfo } from 'node:net'
import { createGateway, type Gateway, type GatewayOptions } from './createGateway'

/** A listening gateway. */
export interface RunningGateway extends Gateway {
  /** `http://host:port` it listens on. */
  readonly url: string
  readonly port: number
  /** Where Prometheus scrapes the metrics (`metrics.prometheus`), else `undefined`. */
  readonly metricsUrl: string | undefined
}

/**
 * Builds the gateway from its config and starts listening on `config.listen`.
 *
 * @example
 * const gateway = await startGateway({ config: JSON.parse(await readFile('curfew.config.json', 'utf8')) })
 * process.on('SIGTERM', () => gateway.close())
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const gateway = await createGateway(options)
  let metricsUrl: string | undefined
  try {
    metricsUrl = await gateway.listenMetrics()
    await gateway.app.listen({ host: gateway.config.listen.host, port: gateway.config.listen.port })
  } catch (error) {
    await gateway.close()
    throw error
  }
  const address = gateway.app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return Object.assign(gateway, { url: `http://${host}:${address.port}`, port: address.port, metricsUrl })
}
