import type { SessionState } from '../parse'

export const T0 = Date.UTC(2026, 0, 1, 12)

/** A session state as the server states it: idle deadline a minute after `T0`, warning 10 s before. */
export const stateAt = (patch: Partial<SessionState> = {}): SessionState => ({
  state: 'active',
  serverTime: T0,
  expiresAt: T0 + 60_000,
  idleExpiresAt: T0 + 60_000,
  absoluteExpiresAt: T0 + 3_600_000,
  expiresBy: 'idle',
  session: 'h1',
  subject: 'ada',
  idleTimeout: 60_000,
  warnBefore: 10_000,
  ...patch,
})
