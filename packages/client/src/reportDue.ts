import type { Moment } from './status'

/** What the report-due rule reads: the moment, and the activity it may owe a report for. */
export interface ReportInput extends Moment {
  /** The latest activity counted, in any tab (server time; 0: never). */
  activityAt: number
  /** The latest report sent, by any leader (server time; 0: never). */
  reportedAt: number
}

/**
 * The report-due rule: when the leader next reports activity to the server (server time), or `null`
 * when no report is owed (no activity since the last report, the session over, or the absolute deadline
 * ruling, which no activity moves). Due a report interval after the last report (`reportInterval`, by
 * default an eighth of the time before the warning, within 1 s..5 min), or at once when waiting would
 * let an active user slide into the warning. Only the leader reports, one report at a time: the client
 * asks only then.
 *
 * @example
 * reportDueAt({ state, ended: null, t, warnBefore: 60_000, activityAt: 5_000, reportedAt: 0 })
 */
export function reportDueAt(input: ReportInput, reportInterval?: number): number | null {
  const { state, activityAt, reportedAt, warnBefore } = input
  if (input.ended || state?.expiresBy !== 'idle' || activityAt <= reportedAt) return null
  const due =
    reportedAt +
    (reportInterval ?? Math.min(300_000, Math.max(1_000, ((state.idleTimeout ?? 900_000) - warnBefore) / 8)))
  return due < state.expiresAt - warnBefore ? due : activityAt
}
