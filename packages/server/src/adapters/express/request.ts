import type { Request, Response } from 'express'
import type { HttpReply, HttpRequestInfo } from '../../http'

/** The protocol layer's view of an Express request. */
export function requestInfo(req: Request): HttpRequestInfo {
  let host: string | undefined
  try {
    // Express 5's `req.host` honours the app's `trust proxy` setting (X-Forwarded-Host), like the rest
    // of the app does.
    host = req.host?.toLowerCase()
  } catch {
    host = undefined
  }
  const info: HttpRequestInfo = {
    method: req.method.toUpperCase(),
    header(name) {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(', ') : value
    },
    host,
    path: (req.originalUrl ?? req.url).split('?')[0],
  }
  if (req.ip !== undefined) info.ip = req.ip
  return info
}

/** Adds protocol headers to a response still being built. `Set-Cookie` accumulates; the rest replace. */
export function applyHeaders(res: Response, headers: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'set-cookie') res.append(name, value)
    else res.setHeader(name, value)
  }
}

/** Sends a complete protocol answer. */
export function sendReply(res: Response, reply: HttpReply): void {
  applyHeaders(res, reply.headers)
  res.status(reply.status).send(JSON.stringify(reply.body))
}
