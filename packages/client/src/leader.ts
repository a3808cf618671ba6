import { type Moment, type Status, statusAt } from './status'
import type { TabMessage } from './tabs'
import { lastLookBefore } from './wakeUp'

/**
 * When the leader asks the server (a passive check) as time passes: on entering the warning (`previous`
 * is the status it published before; app traffic or another device may have moved the deadline), at
 * the predicted deadline (the server's answer rules), and once for a last look shortly before it.
 * `'last look'` tells the caller to remember the deadline as `lookedBefore`.
 *
 * @example
 * lookDue({ state, ended: null, t: state.expiresAt - 9_000, warnBefore: 10_000 }, 'active', null) // 'status'
 */
export function lookDue(
  at: Moment,
  previous: Status | undefined,
  lookedBefore: number | null,
): 'status' | 'last look' | null {
  const status = statusAt(at)
  const expiresAt = at.state?.expiresAt
  if (status !== previous && (status === 'warning' || (status === 'expired' && !at.ended))) return 'status'
  return status === 'warning' &&
    lookedBefore !== expiresAt &&
    at.t >= expiresAt! - lastLookBefore(at.warnBefore)
    ? 'last look'
    : null
}

/**
 * Whether the leader asks the server when the page wakes (focus, online, a visible tab): no answer
 * yet, or a predicted end the server has not confirmed (the network may be back).
 *
 * @example
 * checkOnWake({ state: null, ended: null, t, warnBefore }) // true
 */
export const checkOnWake = ({ state, ended, t }: Moment): boolean =>
  !ended && (!state || t >= state.expiresAt)

/**
 * What the leader does with a follower's message: count its activity, answer a refresh the asker had
 * not yet seen (`'share'`: the newest refresh answer, stamped `refreshedAt`, is newer than what it
 * knew), refresh, or check. A tab that asks anything else is new (or wants news): ask the server, not
 * the memory, since a login may have changed the session since the last answer.
 *
 * @example
 * leaderAnswer({ k: 'refresh', stamp: 10 }, 20) // 'share'
 */
export const leaderAnswer = (
  message: Exclude<TabMessage, { k: 'state' }>,
  refreshedAt: number,
): 'activity' | 'share' | 'refresh' | 'check' =>
  message.k === 'activity'
    ? 'activity'
    : message.k === 'refresh'
      ? message.stamp < refreshedAt
        ? 'share'
        : 'refresh'
      : 'check'
