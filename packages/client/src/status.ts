import type { EndReason, SessionState } from './parse'
import type { SessionSnapshot } from './types'

/** `'unknown' | 'active' | 'warning' | 'expired'` */
export type Status = SessionSnapshot['status']

/** What a tab holds when it asks what the session looks like now. */
export interface StatusInput {
  /** The newest session state, in server time (`null` before the first answer). */
  state: SessionState | null
  /** Set when the server (or a tab that heard from it) said the session is over. */
  ended: EndReason | null
  /** The server's clock now (epoch ms). */
  t: number
  warnBefore: number
}

/**
 * The status rule: what the session is at server time `t`. An end the server stated wins; otherwise the
 * deadline decides (`warning` from `warnBefore` before it, `expired` at it).
 *
 * @example
 * statusAt({ state, ended: null, t: state.expiresAt - 1_000, warnBefore: 10_000 }) // 'warning'
 */
export const statusAt = ({ state, ended, t, warnBefore }: StatusInput): Status =>
  ended
    ? 'expired'
    : !state
      ? 'unknown'
      : t >= state.expiresAt
        ? 'expired'
        : t >= state.expiresAt - warnBefore
          ? 'warning'
          : 'active'

/** {@link StatusInput} and what else the snapshot shows. */
export interface SnapshotInput extends StatusInput {
  /** Another subject's session appeared: this tab's session is over (`reason: 'switched'`). */
  switched: boolean
  leader: boolean
}

/**
 * What the snapshot says at server time `t`: the status (`expired` once another user signed in), the
 * time left and whether "stay signed in" can help.
 *
 * @example
 * snapshotAt({ state, ended: null, t, warnBefore: 60_000, switched: false, leader: true }).remainingMs
 */
export function snapshotAt(input: SnapshotInput): SessionSnapshot {
  const { state, ended, t, warnBefore, switched } = input
  const {
    expiresAt = null,
    expiresBy = null,
    subject = null,
    session = null,
    idleExpiresAt = null,
    absoluteExpiresAt = null,
  } = state ?? {}
  const status = statusAt(input)
  const shown = switched ? 'expired' : status
  return {
    status: shown,
    expiresAt,
    remainingMs: expiresAt && Math.max(0, expiresAt - t),
    expiresBy,
    reason: switched ? 'switched' : status === 'expired' ? (ended ?? expiresBy) : null,
    canExtend: shown !== 'expired' && expiresBy === 'idle',
    isLeader: input.leader,
    subject,
    session,
    idleExpiresAt,
    absoluteExpiresAt,
    warnBefore,
  }
}
