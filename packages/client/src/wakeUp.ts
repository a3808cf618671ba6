import type { EndReason, SessionState } from './parse'

// setTimeout's ceiling; longer delays would fire at once. (Negative delays run at once, as wanted.)
const MAX_DELAY = 2 ** 31 - 1

/**
 * How long before the predicted deadline the leader takes a last passive look: the server may have
 * moved the deadline without telling this tab (a "Stay signed in" whose tab closed mid-request,
 * activity on another device), and a page must not sign out a user the server still accepts.
 */
export const lastLookBefore = (warnBefore: number): number => Math.min(5_000, warnBefore / 2)

/** What the next-wake-up rule reads; times are server epoch ms. */
export interface WakeUpInput {
  state: SessionState | null
  ended: EndReason | null
  /** The server's clock now. */
  t: number
  warnBefore: number
  /** Someone watches the countdown: wake on each whole second left. */
  countdown: boolean
  /** When an activity report is due ({@link reportDueAt}), or `null`. */
  reportAt: number | null
}

/**
 * The next-wake-up rule: the next instant anything can change — the warning, the last look, the
 * deadline, a due report, the next whole second of a watched countdown — in server time, or `null`
 * when nothing is ahead (no deadline known yet, or the session is over). One timer to that instant replaces any ticking, and a timer that fires late
 * (sleep, a throttled tab) changes nothing, since the state is recomputed from the deadline.
 *
 * @example
 * nextWakeUp({ state, ended: null, t: state.expiresAt - 30_000, warnBefore: 10_000, countdown: false, reportAt: null })
 * // state.expiresAt - 10_000: the warning starts
 */
export function nextWakeUp(input: WakeUpInput): number | null {
  const { t, warnBefore, state } = input
  if (!state || input.ended) return null
  const { expiresAt } = state
  const at = [expiresAt - warnBefore, expiresAt - lastLookBefore(warnBefore), expiresAt].filter((x) => x > t)
  if (input.countdown && t < expiresAt) at.push(t + ((expiresAt - t) % 1000 || 1000))
  if (input.reportAt !== null) at.push(input.reportAt)
  return at.length ? Math.min(t + MAX_DELAY, ...at) : null
}
