import type { SessionStatus } from '@curfew/core'
import type { SessionInfo } from '../types'

/**
 * What the adapter-neutral protocol layer needs to know about a request. Each adapter builds one from
 * its framework's request object, so the rules (cookies, bearer, CSRF, passive) live in one place.
 */
export interface HttpRequestInfo {
  /** Upper-case HTTP method. */
  method: string
  /** Reads one request header by lower-case name; `undefined` when absent. */
  header(name: string): string | undefined
  /** `host[:port]` the client addressed (the `Host` header, or the URL's host), lower-case. */
  host: string | undefined
  /** For the audit trail. */
  ip?: string
  /** Path as the client sent it, for the audit trail. */
  path?: string
}

/** A complete answer, written by an adapter as `status`, each header (in order) and `body` as JSON. */
export interface HttpReply {
  status: number
  headers: Array<[name: string, value: string]>
  body: unknown
}

/** Outcome of reading a request body under a size limit. */
export type BodyRead =
  | { ok: true; text: string }
  /** The body was consumed (and checked) by the application's own body parser before ours. */
  | { ok: true; consumed: true }
  | { ok: false; reason: 'body_too_large' }

/** Reads the request body, stopping once `limit` bytes are exceeded. */
export type BodyReader = (limit: number) => Promise<BodyRead>

/** Where the session token came from. Bearer requests carry no ambient credential, so no CSRF check. */
export type CredentialSource = 'cookie' | 'bearer'

/** What the middleware attaches to a request it let through. */
export interface CurfewRequestState {
  session: SessionInfo
  status: SessionStatus
  /** How the client presented its token. */
  source: CredentialSource
}

/** Body of a 400/413 answer: the request itself was unusable. */
export interface BadRequestError {
  error: 'bad_request'
  reason: 'malformed_json' | 'body_too_large' | 'malformed_header'
  serverTime: number
  message: string
}

/** Body of a 403 answer to a cross-site POST. */
export interface CsrfError {
  error: 'csrf'
  reason: 'cross_site'
  serverTime: number
  message: string
}

/** Body of a 404/405 answer under the session base path. */
export interface RouteError {
  error: 'not_found' | 'method_not_allowed'
  /** Same as `error`: every refusal names a `reason`, so clients can switch on one field. */
  reason: 'not_found' | 'method_not_allowed'
  serverTime: number
  message: string
}
