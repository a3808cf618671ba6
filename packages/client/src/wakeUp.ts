import type { Moment } from './status'

/**
 * How long before the predicted deadline the leader takes a last passive look: the server may have
 * moved the deadline without telling this tab (a "Stay signed in" whose tab closed mid-request,
 * activity on another device), and a page must not sign out a user the server still accepts.
 */
export const lastLookBefore = (warnBefore: number): number => Math.min(5_000, warnBefore / 2)

/**
 * The next-wake-up rule: the next instant anything can change — the warning, the last look, the
 * deadline, a due report (`reportAt`, from {@link reportDueAt}), the next whole second of a watched
 * `countdown` — in server time, or `null` when nothing is ahead (no deadline known yet, or the session
 * is over). One timer to that instant replaces any ticking, and a timer that fires late (sleep, a
 * throttled tab) changes nothing, since the state is recomputed from the deadline.
 *
 * @example
 * nextWakeUp({ state, ended: null, t: state.expiresAt - 30_000, warnBefore: 10_000 }, false, null)
 * // state.expiresAt - 10_000: the warning starts
 */
export function nextWakeUp(
  { state, ended, t, warnBefore }: Moment,
  countdown: boolean,
  reportAt: number | null,
): number | null {
  if (!state || ended) return null
  const { expiresAt } = state
  const at = [expiresAt - warnBefore, expiresAt - lastLookBefore(warnBefore), expiresAt].filter((x) => x > t)
  if (countdown && t < expiresAt) at.push(t + ((expiresAt - t) % 1000 || 1000))
  if (reportAt !== null) at.push(reportAt)
  // setTimeout's ceiling is 2 ** 31 - 1 ms; longer delays would fire at once. (Past instants run at once.)
  return at.length ? Math.min(t + 2 ** 31 - 1, ...at) : null
}
