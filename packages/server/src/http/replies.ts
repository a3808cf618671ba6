import type { SessionRejection } from '../types'
import { challenge } from './challenge'
import type { CookieSettings } from './cookie'
import { clearedCookie } from './cookie'
import type { BadRequestError, CredentialSource, CsrfError, HttpReply } from './types'

const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON answer that no cache keeps: every session answer is about one user at one instant. */
export function jsonReply(status: number, body: unknown, headers: Array<[string, string]> = []): HttpReply {
  return {
    status,
    headers: [['Content-Type', JSON_TYPE], ['Cache-Control', 'no-store'], ...headers],
    body,
  }
}

/** Options for {@link rejectionReply}. */
export interface RejectionReplyInput {
  rejection: SessionRejection
  source: CredentialSource | null
  settings: CookieSettings
  realm: string
}

// A cookie that names an ended session is useless; deleting it spares every later request the lookup.
// Missing credentials, reauthentication and store outages say nothing about the cookie itself.
const KEEP_COOKIE = new Set(['missing', 'store_unavailable', 'auth_too_old'])

/** Turns a manager refusal into a complete answer: status, JSON body, challenge, cookie deletion. */
export function rejectionReply(input: RejectionReplyInput): HttpReply {
  const { rejection } = input
  const headers: Array<[string, string]> = []
  if (rejection.httpStatus === 401) {
    headers.push(['WWW-Authenticate', challenge({ reason: rejection.reason, realm: input.realm })])
  }
  if (rejection.httpStatus === 503) headers.push(['Retry-After', '5'])
  if (input.source === 'cookie' && !KEEP_COOKIE.has(rejection.reason)) {
    headers.push(['Set-Cookie', clearedCookie(input.settings)])
  }
  return jsonReply(rejection.httpStatus, rejection.body, headers)
}

/** 400 or 413 for a request that cannot be read. */
export function badRequestReply(reason: BadRequestError['reason'], serverTime: number): HttpReply {
  const messages: Record<BadRequestError['reason'], string> = {
    malformed_json: 'The request body is not valid JSON. Session routes need no body.',
    body_too_large: 'The request body is too large. Session routes need no body.',
    malformed_header: 'A request header is malformed.',
  }
  const body: BadRequestError = { error: 'bad_request', reason, serverTime, message: messages[reason] }
  return jsonReply(reason === 'body_too_large' ? 413 : 400, body)
}

/** 403 for a POST that may be cross-site request forgery. */
export function csrfReply(serverTime: number): HttpReply {
  const body: CsrfError = {
    error: 'csrf',
    reason: 'cross_site',
    serverTime,
    message:
      'Cross-site request refused: send the Curfew-Client header (the browser SDK does), or add this origin to allowedOrigins.',
  }
  return jsonReply(403, body)
}

/** 503 when the manager itself failed (it should not): typed, never a 500 page, never a crash. */
export function unavailableReply(serverTime: number): HttpReply {
  return jsonReply(
    503,
    {
      error: 'store_unavailable',
      reason: 'store_unavailable',
      serverTime,
      message: 'The session service failed; try again shortly.',
    },
    [['Retry-After', '5']],
  )
}
