// What the app's own traffic says of the session: its HTTP responses (the `Curfew-Session` header, a 401
// `session_expired`), and the end notices of its long-lived connections (a WebSocket closed with 4401,
// a server-sent `curfew-expired` event, a Socket.IO `curfew:expired` event).
import { parseSessionHeader, SESSION_HEADER } from './core'
import { type Ended, parseEnded, type SessionState } from './parse'

/**
 * What an app response's `Curfew-Session` header says against the state this tab holds: `'other'` (a
 * different session: ask the server, a login may have replaced it), the updated state when the
 * deadline or state moved, or `null` (no header, nothing new, or no state yet to compare with: the
 * tab's own check is on its way).
 *
 * @example
 * headerNews(await fetch('/api/orders'), state) // { ...state, expiresAt: later }
 */
export function headerNews(response: Response, state: SessionState | null): SessionState | 'other' | null {
  const header = parseSessionHeader(response.headers?.get(SESSION_HEADER))
  if (!header || !state) return null
  if (header.session !== state.session) return 'other'
  return header.expiresAt !== state.expiresAt || header.state !== state.state ? { ...state, ...header } : null
}

/**
 * The end a 401 `session_expired` app response states, or `null` for any other answer (never rejects).
 * Other 401s (`no_session`, `reauth_required`) say nothing about this tab's session.
 *
 * @example
 * const end = await expiryOf(response, serverNow()) // { state: 'expired', reason: 'idle', serverTime }
 */
export async function expiryOf(response: Response, fallbackTime: number): Promise<Ended | null> {
  let body: unknown
  try {
    if (response.status === 401) body = await response.clone().json()
  } catch {
    // Not JSON, or a body the app already read (it cannot be cloned): nothing to learn.
  }
  return Object(body).error === 'session_expired' ? parseEnded(body, fallbackTime) : null
}

/** The WebSocket close code `@curfew/server` ends a socket with when its session ends. */
export const SESSION_CLOSE_CODE = 4401

/**
 * The end a socket or stream states (its reason, as the server put it; unknown words become
 * `'unknown'`), as a 401 `session_expired` would. `at` stands for the server time, which a socket
 * event does not carry.
 *
 * @example
 * endNotice('idle', serverNow()) // { state: 'expired', reason: 'idle', serverTime }
 */
export const endNotice = (reason: string | undefined, at: number): Ended | null =>
  parseEnded({ error: 'session_expired', reason }, at)

/**
 * The end a WebSocket close states: code 4401 is `@curfew/server` closing the socket because its
 * session ended, with the end reason as the close reason. Any other close is the app's business.
 *
 * @example
 * closeNotice({ code: 4401, reason: 'revoked' }, serverNow()) // { state: 'expired', reason: 'revoked', … }
 * closeNotice({ code: 1006, reason: '' }, serverNow()) // null
 */
export const closeNotice = (event: { code: number; reason: string }, at: number): Ended | null =>
  event.code === SESSION_CLOSE_CODE ? endNotice(event.reason, at) : null
