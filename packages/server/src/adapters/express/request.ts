import type { Request, Response } from 'express'
import type { HttpReply, HttpRequestInfo } from '../../http'

/** The protocol layer's view of an Express request. */
export function requestInfo(req: Request): HttpRequestInfo {
  const info: HttpRequestInfo = {
    method: req.method.toUpperCase(),
    header(name) {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(', ') : value
    },
    host: requestHost(req),
    path: (req.originalUrl ?? req.url).split('?')[0],
  }
  if (req.ip !== undefined) info.ip = req.ip
  return info
}

/**
 * The request's `host[:port]`, read the way Express 5's `req.host` does: `X-Forwarded-Host` when the
 * app's `trust proxy` setting trusts the peer, else `Host`. Express 4's `req.host` drops the port (so a
 * same-origin POST from `localhost:3000` looked cross-site) and prints a deprecation warning, so both
 * majors get this one reading instead.
 */
function requestHost(req: Request): string | undefined {
  try {
    const trust = req.app?.get('trust proxy fn') as
      | ((address: string | undefined, hop: number) => boolean)
      | undefined
    const forwarded = req.headers['x-forwarded-host']
    let host =
      typeof forwarded === 'string' && trust?.(req.socket?.remoteAddress, 0) ? forwarded : req.headers.host
    if (host === undefined || host === '') return undefined
    const comma = host.indexOf(',')
    if (comma !== -1) host = host.slice(0, comma)
    return host.trim().toLowerCase() || undefined
  } catch {
    // A throwing `trust proxy` function must not turn a request into a 500.
    return undefined
  }
}

/** Adds protocol headers to a response still being built. `Set-Cookie` accumulates; the rest replace. */
export function applyHeaders(res: Response, headers: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of headers) {
    if (name === 'Set-Cookie') res.append(name, value)
    else res.setHeader(name, value)
  }
}

/** Sends a complete protocol answer. */
export function sendReply(res: Response, reply: HttpReply): void {
  applyHeaders(res, reply.headers)
  res.status(reply.status).send(JSON.stringify(reply.body))
}
