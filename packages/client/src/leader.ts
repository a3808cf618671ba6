import type { EndReason, SessionState } from './parse'
import type { Status } from './status'
import type { TabMessage } from './tabs'
import { lastLookBefore } from './wakeUp'

/** What the leader reads after publishing a time-driven snapshot. */
export interface LookInput {
  status: Status
  /** The status of the previous publish. */
  previous: Status | undefined
  ended: EndReason | null
  expiresAt: number | null
  /** The deadline the leader last took its last look before. */
  lookedBefore: number | null
  /** The server's clock now. */
  t: number
  warnBefore: number
}

/**
 * When the leader asks the server (a passive check) as time passes: on entering the warning (app
 * traffic or another device may have moved the deadline), at the predicted deadline (the server's
 * answer rules), and once for a last look shortly before it. `'last look'` tells the caller to remember
 * `expiresAt` as looked before.
 *
 * @example
 * lookDue({ status: 'warning', previous: 'active', ended: null, expiresAt, lookedBefore: null, t, warnBefore }) // 'status'
 */
export function lookDue(input: LookInput): 'status' | 'last look' | null {
  const { status, expiresAt } = input
  if (status !== input.previous && (status === 'warning' || (status === 'expired' && !input.ended)))
    return 'status'
  return status === 'warning' &&
    expiresAt !== null &&
    input.lookedBefore !== expiresAt &&
    input.t >= expiresAt - lastLookBefore(input.warnBefore)
    ? 'last look'
    : null
}

/**
 * Whether the leader asks the server when the page wakes (focus, online, a visible tab): no answer
 * yet, or a predicted end the server has not confirmed (the network may be back).
 *
 * @example
 * checkOnWake({ leader: true, ended: null, state: null, t }) // true
 */
export const checkOnWake = (input: {
  leader: boolean
  ended: EndReason | null
  state: SessionState | null
  t: number
}): boolean => input.leader && !input.ended && (!input.state || input.t >= input.state.expiresAt)

/**
 * What the leader does with a follower's message: count its activity, answer a refresh the asker had
 * not yet seen (`'share'`: the newest refresh answer, stamped `refreshedAt`, is newer than what it
 * knew), refresh, or check. A tab that asks anything else is new (or wants news): ask the server, not
 * the memory, since a login may have changed the session since the last answer.
 *
 * @example
 * leaderAnswer({ k: 'refresh', stamp: 10 }, 20) // 'share'
 */
export function leaderAnswer(
  message: Exclude<TabMessage, { k: 'state' }>,
  refreshedAt: number,
): 'activity' | 'share' | 'refresh' | 'check' {
  if (message.k === 'activity') return 'activity'
  if (message.k === 'refresh') return message.stamp < refreshedAt ? 'share' : 'refresh'
  return 'check'
}
