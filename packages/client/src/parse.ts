import type { ExpiryReason, SessionError, SessionHeader } from './core'
import { formatSessionHeader, parseSessionHeader } from './core'

/** Why a session ended, as the server put it (a 401 may also say `missing` or `auth_too_old`). */
export type EndReason = SessionError['reason']

/** What this tab knows of the session, in server time. Shared with other tabs as is. */
export interface SessionState extends SessionHeader {
  subject?: string
  idleTimeout?: number
  warnBefore?: number
}

/** A 401 (`SessionError`): the session is over, and no deadlines come with it. */
export interface Ended {
  state: 'expired'
  reason: EndReason
  serverTime: number
}

type Loose = Record<string, unknown>

const time = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0

/**
 * Validates a `SessionStatus` body; `null` for anything malformed (never throws). The deadline fields
 * are the ones the `Curfew-Session` header carries, so they go through core's strict header parser:
 * one validator for both ways the server states a session. Only checked fields are kept, so nothing
 * unvalidated (an access token, say) reaches other tabs.
 */
export function parseStatus(body: unknown): SessionState | null {
  const b = Object(body) as Loose
  const policy = Object(b.policy) as Loose
  let state: SessionState | null = null
  try {
    state = parseSessionHeader(formatSessionHeader(b as never))
  } catch {
    // A value whose string form throws: malformed.
  }
  if (state) {
    if (typeof b.subject === 'string') state.subject = b.subject
    if (time(policy.idleTimeout) && time(policy.warnBefore)) {
      state.idleTimeout = policy.idleTimeout
      state.warnBefore = policy.warnBefore
    }
  }
  return state
}

/** Validates a 401 `SessionError` body (never throws). */
export function parseEnded(body: unknown, fallbackTime: number): Ended | null {
  const b = Object(body) as Loose
  const reason = b.reason
  return typeof b.error === 'string'
    ? {
        state: 'expired',
        // Reasons come from the network: accept the shape, never an arbitrary string.
        reason:
          typeof reason === 'string' && /^[a-z_]{1,24}$/.test(reason) ? (reason as ExpiryReason) : 'unknown',
        serverTime: time(b.serverTime) ? b.serverTime : fallbackTime,
      }
    : null
}
