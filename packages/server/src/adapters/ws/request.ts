import type { IncomingMessage } from 'node:http'
import type { HttpRequestInfo } from '../../http'

/** The protocol layer's view of a Node request (an upgrade, a Socket.IO handshake, an SSE request). */
export function nodeRequestInfo(req: IncomingMessage): HttpRequestInfo {
  const info: HttpRequestInfo = {
    method: (req.method ?? 'GET').toUpperCase(),
    header(name) {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(', ') : value
    },
    host: req.headers.host?.toLowerCase(),
    path: (req.url ?? '/').split('?')[0],
  }
  const ip = req.socket?.remoteAddress
  if (ip !== undefined) info.ip = ip
  return info
}
