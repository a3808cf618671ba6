import type { GatewayConfig, UpstreamConfig } from '../config/schema'

/** The config's `upstream` as a list, longest prefix first (so `/api` wins over `/`). */
export function upstreamList(config: GatewayConfig['upstream']): UpstreamConfig[] {
  if (config === undefined) return []
  const list =
    typeof config === 'string' ? [{ prefix: '/', url: config, websocket: true, public: false }] : [...config]
  return list.sort((a, b) => b.prefix.length - a.prefix.length)
}
