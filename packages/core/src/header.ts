import type { ExpiryReason, SessionStatus } from './wire'

/** What the `Curfew-Session` header carries: enough to update a countdown, nothing secret. */
export interface SessionHeader {
  state: 'active' | 'expired'
  reason?: ExpiryReason
  serverTime: number
  expiresAt: number
  idleExpiresAt: number
  absoluteExpiresAt: number
  expiresBy: 'idle' | 'absolute'
  session: string
}

const REASONS = new Set<string>([
  'idle',
  'absolute',
  'revoked',
  'logout',
  'renewed',
  'reuse_detected',
  'policy_changed',
  'idp_logout',
  'idp_session_ended',
  'unknown',
  'malformed',
])

// Headers come from the network: cap the length before parsing anything.
const MAX_HEADER_LENGTH = 512

/**
 * Formats the `Curfew-Session` response header: `v=1; s=active; t=…; e=…; i=…; a=…; b=idle; h=…`.
 *
 * @example
 * res.setHeader(SESSION_HEADER, formatSessionHeader(status))
 */
export function formatSessionHeader(status: SessionHeader | SessionStatus): string {
  const parts = [
    'v=1',
    `s=${status.state}`,
    `t=${status.serverTime}`,
    `e=${status.expiresAt}`,
    `i=${status.idleExpiresAt}`,
    `a=${status.absoluteExpiresAt}`,
    `b=${status.expiresBy}`,
    `h=${status.session}`,
  ]
  if (status.reason) parts.push(`r=${status.reason}`)
  return parts.join('; ')
}

function time(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined
  return Number(value)
}

/**
 * Parses a `Curfew-Session` header. Returns `null` for anything malformed (it never throws), so a
 * tampered or truncated header is ignored rather than trusted.
 *
 * @example
 * const header = parseSessionHeader(response.headers.get(SESSION_HEADER))
 * if (header) updateCountdown(header.expiresAt)
 */
export function parseSessionHeader(value: string | null | undefined): SessionHeader | null {
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return null
  const fields = new Map<string, string>()
  for (const part of value.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 1) return null
    const key = part.slice(0, eq).trim()
    if (fields.has(key)) return null
    fields.set(key, part.slice(eq + 1).trim())
  }
  if (fields.get('v') !== '1') return null
  const state = fields.get('s')
  const expiresBy = fields.get('b')
  const session = fields.get('h')
  const reason = fields.get('r')
  const serverTime = time(fields.get('t'))
  const expiresAt = time(fields.get('e'))
  const idleExpiresAt = time(fields.get('i'))
  const absoluteExpiresAt = time(fields.get('a'))
  if (
    (state !== 'active' && state !== 'expired') ||
    (expiresBy !== 'idle' && expiresBy !== 'absolute') ||
    session === undefined ||
    !/^[\w-]{1,64}$/.test(session) ||
    (reason !== undefined && !REASONS.has(reason)) ||
    serverTime === undefined ||
    expiresAt === undefined ||
    idleExpiresAt === undefined ||
    absoluteExpiresAt === undefined
  ) {
    return null
  }
  return {
    state,
    ...(reason === undefined ? {} : { reason: reason as ExpiryReason }),
    serverTime,
    expiresAt,
    idleExpiresAt,
    absoluteExpiresAt,
    expiresBy,
    session,
  }
}
