import type { EndReason, SessionState } from './parse'

/** What the report-due rule reads; times are server epoch ms (0: never). */
export interface ReportInput {
  state: SessionState | null
  ended: EndReason | null
  /** Only the leader reports, for every tab. */
  leader: boolean
  /** A report is on its way already. */
  sending: boolean
  /** The latest activity counted, in any tab. */
  activityAt: number
  /** The latest report sent, by any leader. */
  reportedAt: number
  warnBefore: number
  /** `SessionClientOptions.reportInterval`. */
  reportInterval?: number
}

/**
 * The report-due rule: when the leader next reports activity to the server (server time), or `null`
 * when no report is owed (no activity since the last report, one on its way, the session over, or the
 * absolute deadline ruling, which no activity moves). Due a report interval after the last report
 * (default: an eighth of the time before the warning, within 1 s..5 min), or at once when waiting
 * would let an active user slide into the warning.
 *
 * @example
 * reportDueAt({ state, ended: null, leader: true, sending: false, activityAt: 5_000, reportedAt: 0, warnBefore: 60_000 })
 */
export function reportDueAt(input: ReportInput): number | null {
  const { state, activityAt, reportedAt, warnBefore } = input
  if (
    !input.leader ||
    input.sending ||
    input.ended ||
    state?.expiresBy !== 'idle' ||
    activityAt <= reportedAt
  )
    return null
  const due =
    reportedAt +
    (input.reportInterval ??
      Math.min(300_000, Math.max(1_000, ((state.idleTimeout ?? 900_000) - warnBefore) / 8)))
  return due < state.expiresAt - warnBefore ? due : activityAt
}
