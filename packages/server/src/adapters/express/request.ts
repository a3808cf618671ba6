import express, { type Request, type Response } from 'express'
import type { HttpReply, HttpRequestInfo } from '../../http'

// Express's own `req.ip` getter, and whether a request prototype still uses it (memoised on it).
const EXPRESS_IP = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get
const OWN_IP_GETTER = Symbol('curfew.expressIp')

function usesExpressIp(req: Request): boolean {
  const proto = Object.getPrototypeOf(req) as Record<PropertyKey, unknown> | null
  if (proto === null || Object.hasOwn(req, 'ip')) return false
  let known = proto[OWN_IP_GETTER] as boolean | undefined
  if (known === undefined) {
    let getter: unknown
    for (let o: object | null = proto; o !== null && getter === undefined; o = Object.getPrototypeOf(o)) {
      getter = Object.getOwnPropertyDescriptor(o, 'ip')?.get ?? (Object.hasOwn(o, 'ip') ? null : undefined)
    }
    known = EXPRESS_IP !== undefined && getter === EXPRESS_IP
    Object.defineProperty(proto, OWN_IP_GETTER, { value: known })
  }
  return known
}

/**
 * `req.ip`, without proxy-addr when it cannot change the answer: with no `X-Forwarded-For` header,
 * Express's getter returns the socket's address whatever `trust proxy` says. An app that replaced the
 * getter gets its own.
 */
function requestIp(req: Request): string | undefined {
  if (req.headers['x-forwarded-for'] === undefined && usesExpressIp(req)) return req.socket?.remoteAddress
  return req.ip
}

/**
 * The protocol layer's view of an Express request. `host`, `ip` and `path` are read when a rule or the
 * audit trail asks for them, not per request up front: Express computes `req.ip` through proxy-addr on
 * every read, and a class costs one small object where a literal with a method cost a closure too.
 * They live on the prototype, so an object spread would drop them: copy with `withUrl` (http/) instead.
 */
class ExpressRequestInfo implements HttpRequestInfo {
  readonly method: string
  readonly #req: Request
  #host: string | undefined | null = null

  constructor(req: Request) {
    this.#req = req
    this.method = req.method.toUpperCase()
  }

  header(name: string): string | undefined {
    const value = this.#req.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }

  get host(): string | undefined {
    if (this.#host === null) this.#host = requestHost(this.#req)
    return this.#host
  }

  get ip(): string | undefined {
    return requestIp(this.#req)
  }

  get path(): string {
    const url = this.#req.originalUrl ?? this.#req.url
    const query = url.indexOf('?')
    return query === -1 ? url : url.slice(0, query)
  }
}

/** The protocol layer's view of an Express request. */
export function requestInfo(req: Request): HttpRequestInfo {
  return new ExpressRequestInfo(req)
}

/**
 * The request's `host[:port]`, read the way Express 5's `req.host` does: `X-Forwarded-Host` when the
 * app's `trust proxy` setting trusts the peer, else `Host`. Express 4's `req.host` drops the port (so a
 * same-origin POST from `localhost:3000` looked cross-site) and prints a deprecation warning, so both
 * majors get this one reading instead.
 */
function requestHost(req: Request): string | undefined {
  try {
    const forwarded = req.headers['x-forwarded-host']
    let host = req.headers.host
    // The `trust proxy` function is only asked when there is a forwarded host to trust.
    if (typeof forwarded === 'string') {
      const trust = req.app?.get('trust proxy fn') as
        | ((address: string | undefined, hop: number) => boolean)
        | undefined
      if (trust?.(req.socket?.remoteAddress, 0)) host = forwarded
    }
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
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!
    if (name === 'Set-Cookie') res.append(name, value)
    else res.setHeader(name, value)
  }
}

/** Sends a complete protocol answer. */
export function sendReply(res: Response, reply: HttpReply): void {
  applyHeaders(res, reply.headers)
  res.status(reply.status).send(JSON.stringify(reply.body))
}
