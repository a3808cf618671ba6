import type { Held } from './news'
import type { SessionSnapshot } from './types'

/** `'unknown' | 'active' | 'warning' | 'expired'` */
export type Status = SessionSnapshot['status']

/** The session at one instant, as the rules read it: what a tab holds, the server time and the warning lead. */
export interface Moment extends Pick<Held, 'state' | 'ended'> {
  /** The server's clock now (epoch ms). */
  t: number
  /** How long before the deadline the warning starts (ms). */
  warnBefore: number
}

/**
 * The status rule: what the session is at server time `t`. An end the server stated wins; otherwise the
 * deadline decides (`warning` from `warnBefore` before it, `expired` at it).
 *
 * @example
 * statusAt({ state, ended: null, t: state.expiresAt - 1_000, warnBefore: 10_000 }) // 'warning'
 */
export const statusAt = ({ state, ended, t, warnBefore }: Moment): Status =>
  ended
    ? 'expired'
    : !state
      ? 'unknown'
      : t >= state.expiresAt
        ? 'expired'
        : t >= state.expiresAt - warnBefore
          ? 'warning'
          : 'active'

/**
 * What the snapshot says at server time `t`: the status (`expired` once another user signed in), the
 * time left and whether "stay signed in" can help. `leader`: this tab talks to the server.
 *
 * @example
 * snapshotAt({ ...held, t: serverNow(), warnBefore: 60_000 }, true).remainingMs
 */
export function snapshotAt(at: Moment & Pick<Held, 'switched'>, leader: boolean): SessionSnapshot {
  const { ended, t, warnBefore, switched } = at
  const {
    expiresAt = null,
    expiresBy = null,
    subject = null,
    session = null,
    idleExpiresAt = null,
    absoluteExpiresAt = null,
  } = at.state ?? {}
  const status = statusAt(at)
  const shown = switched ? 'expired' : status
  return {
    status: shown,
    expiresAt,
    remainingMs: expiresAt && Math.max(0, expiresAt - t),
    expiresBy,
    reason: switched ? 'switched' : status === 'expired' ? (ended ?? expiresBy) : null,
    canExtend: shown !== 'expired' && expiresBy === 'idle',
    isLeader: leader,
    subject,
    session,
    idleExpiresAt,
    absoluteExpiresAt,
    warnBefore,
  }
}
