import { evaluateSession, type SessionStatus } from '@curfew/core'
import { challenge, describeRejection } from '../http/challenge'
import type { StoredSession } from '../stores/types'
import type { ResolvedPolicy, SessionInfo, SessionRejection } from '../types'

type RejectReason = SessionRejection['reason']

/**
 * A ready-to-send refusal. `WWW-Authenticate` follows RFC 6750 (built by `challenge`, like every
 * adapter's): no error code when no credentials were sent, `invalid_token` with a description otherwise.
 */
export function rejection(options: {
  reason: RejectReason
  now: number
  unavailableStatus?: 401 | 503
}): SessionRejection {
  const { reason, now: serverTime } = options
  if (reason === 'store_unavailable') {
    const httpStatus = options.unavailableStatus ?? 401
    return {
      ok: false,
      reason,
      httpStatus,
      body: {
        error: 'store_unavailable',
        reason,
        serverTime,
        message: 'The session store is unavailable; try again shortly.',
      },
      ...(httpStatus === 401 ? { wwwAuthenticate: challenge({ reason }) } : {}),
    }
  }
  if (reason === 'missing') {
    return {
      ok: false,
      reason,
      httpStatus: 401,
      body: { error: 'no_session', reason, serverTime, message: 'No session token was sent.' },
      wwwAuthenticate: challenge({ reason }),
    }
  }
  if (reason === 'auth_too_old') {
    return {
      ok: false,
      reason,
      httpStatus: 401,
      body: { error: 'reauth_required', reason, serverTime, message: 'Sign in again to continue.' },
      wwwAuthenticate: challenge({ reason }),
    }
  }
  const description = describeRejection(reason)
  const error = reason === 'malformed' || reason === 'unknown' ? 'no_session' : 'session_expired'
  return {
    ok: false,
    reason,
    httpStatus: 401,
    body: { error, reason, serverTime, message: `${description[0]!.toUpperCase()}${description.slice(1)}.` },
    wwwAuthenticate: challenge({ reason }),
  }
}

/** The wire status of a live session, judged by the policy in force now. */
export function sessionStatus(options: {
  session: StoredSession
  policy: ResolvedPolicy
  now: number
}): SessionStatus {
  const { session, policy, now } = options
  const verdict = evaluateSession(session, policy, now)
  const { state, reason, expiresAt, idleExpiresAt, absoluteExpiresAt, expiresBy } = verdict
  const { subject, handle } = session
  const summary = policySummary(policy)
  // Two literals rather than a spread of `reason`: this runs on every check. Same keys, same order.
  return reason
    ? {
        state,
        reason,
        serverTime: now,
        expiresAt,
        idleExpiresAt,
        absoluteExpiresAt,
        expiresBy,
        subject,
        session: handle,
        policy: summary,
      }
    : {
        state,
        serverTime: now,
        expiresAt,
        idleExpiresAt,
        absoluteExpiresAt,
        expiresBy,
        subject,
        session: handle,
        policy: summary,
      }
}

function policySummary(policy: ResolvedPolicy): SessionStatus['policy'] {
  return {
    name: policy.name,
    idleTimeout: policy.idleTimeout,
    absoluteTimeout: policy.absoluteTimeout,
    warnBefore: policy.warnBefore,
    fingerprint: policy.fingerprint,
  }
}

/** What adapters and apps see of a record. */
export function sessionInfo(session: StoredSession): SessionInfo {
  const info: SessionInfo = {
    handle: session.handle,
    subject: session.subject,
    policy: session.policy,
    fingerprint: session.fingerprint,
    authTime: session.authTime,
    createdAt: session.createdAt,
    lastActivityAt: session.lastActivityAt,
  }
  // Assigned in place rather than spread: the same keys in the same order, without two objects more.
  if (session.notAfter !== undefined) info.notAfter = session.notAfter
  if (session.data !== undefined) info.data = session.data
  return info
}
