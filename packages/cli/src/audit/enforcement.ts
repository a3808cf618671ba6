import type { StatedPolicy } from '../policyFile'
import { type AuditViolation, at, type LineRef } from './violations'

/** The fields of an audit line the enforcement rules read. */
export interface AuditLine {
  type: string
  time: number
  session?: string
  policy?: string
  fingerprint?: string
  reason?: string
  authTime?: number
  /** A per-session cap on the absolute deadline (an IdP session lifetime), from `session.created`. */
  notAfter?: number
  evidence?: boolean
  meta?: { transport?: string }
}

/** A session's life as the log tells it, handed to the statistics when it is done with. */
export interface SessionStory {
  handle: string
  policy: string
  service: string
  authTime: number
  createdAt: number
  /** Last accepted request (creation, activity, refresh, renewal). */
  lastAccepted: number
  /** Gaps between recorded activities (evidence-grade logs only). */
  gaps: number[]
  end?: { reason: string; time: number }
}

interface SessionState extends SessionStory {
  evidence: boolean
  lastActivity: number
  created: LineRef
  endRef?: LineRef
  limits: StatedPolicy
  /** The session's own cap, when it has one: its absolute deadline is the earlier of the two. */
  notAfter?: number
  /** A refusal for an end reason with no end event yet: settled when time moves past it. */
  refusal?: { ref: LineRef; time: number; reason: string }
}

const ACCEPTED = new Set(['session.activity', 'session.refreshed', 'session.renewed'])
const ACTIVITY = new Set(['session.activity', 'session.refreshed'])
const END = new Set(['session.expired', 'session.revoked'])
const END_REASONS = new Set([
  'idle',
  'absolute',
  'revoked',
  'logout',
  'reuse_detected',
  'policy_changed',
  'idp_logout',
  'idp_session_ended',
])
// Ended sessions are remembered this long after their end (to catch a second end event); live ones
// this long after their absolute deadline. Bounds memory on long logs.
const RETAIN_MS = 24 * 60 * 60_000

/**
 * Proves enforcement from audit lines fed in time order: no request accepted after the idle or absolute
 * deadline of the policy in force (`policies`), exactly one end event per ended session, expiries and
 * connection cut-offs within `tolerance` of the deadline. Unknown event types and reasons are ignored,
 * so newer servers' logs still verify.
 */
export function createEnforcementChecker(options: {
  policies: readonly StatedPolicy[]
  tolerance: number
  report: (v: AuditViolation) => void
  onSessionDone?: (story: SessionStory) => void
}) {
  const { tolerance, report } = options
  const tiers = new Map(options.policies.map((p) => [p.name, p]))
  const defaultTier = tiers.get('default') ?? options.policies[0]
  const live = new Map<string, SessionState>()
  const ended = new Map<string, SessionState>()
  const counts = {
    sessions: 0,
    withoutCreation: 0,
    withoutEvidence: 0,
    events: 0,
    unknownTier: new Set<string>(),
  }
  let sweepAt = 0

  const violation = (v: Omit<AuditViolation, 'file' | 'line'>, ref: LineRef) => report({ ...v, ...ref })
  const keepGaps = options.onSessionDone !== undefined
  const done = (s: SessionState) => {
    settleRefusal(s, Number.POSITIVE_INFINITY)
    options.onSessionDone?.(s)
    // An ended session is kept only to catch a second end event: its gaps can go.
    s.gaps = []
  }

  // Services log independently, so at one instant a refusal on one may precede the end event on
  // another in the merged stream: only once time has moved on is a missing end event proven.
  function settleRefusal(s: SessionState, now: number) {
    const r = s.refusal
    if (!r || now <= r.time) return
    s.refusal = undefined
    if (s.end) return
    violation(
      {
        rule: 'session.missing_end',
        session: s.handle,
        time: r.time,
        message: `session ${s.handle} was refused (${r.reason}) at line ${at(r.ref)} but has no end event`,
      },
      r.ref,
    )
  }

  function sweep(now: number) {
    for (const [handle, s] of live) {
      if (now > s.authTime + s.limits.absoluteTimeout + RETAIN_MS) {
        live.delete(handle)
        done(s)
      }
    }
    for (const [handle, s] of ended) if (now > (s.end?.time ?? 0) + RETAIN_MS) ended.delete(handle)
  }

  function deadlines(s: SessionState) {
    return {
      idle: s.lastActivity + s.limits.idleTimeout,
      absolute: Math.min(s.authTime + s.limits.absoluteTimeout, s.notAfter ?? Number.POSITIVE_INFINITY),
    }
  }

  function feed(line: AuditLine, ref: LineRef, service: string) {
    counts.events += 1
    if (line.time > sweepAt) {
      sweep(line.time)
      sweepAt = line.time + 60 * 60_000
    }
    const handle = line.session
    if (handle === undefined) return
    const { time, type } = line
    if (type === 'session.created') {
      const limits = tiers.get(line.policy ?? defaultTier?.name ?? 'default')
      if (!limits) {
        if (!counts.unknownTier.has(line.policy ?? '')) {
          counts.unknownTier.add(line.policy ?? '')
          violation(
            {
              rule: 'policy.unknown_tier',
              session: handle,
              time,
              message: `session ${handle} (line ${at(ref)}) runs under tier "${line.policy}", which --policy does not define: its deadlines cannot be proven`,
            },
            ref,
          )
        }
        return
      }
      const authTime = typeof line.authTime === 'number' ? line.authTime : time
      counts.sessions += 1
      const evidence = line.evidence === true
      if (!evidence) counts.withoutEvidence += 1
      live.set(handle, {
        handle,
        policy: limits.name,
        service,
        authTime,
        createdAt: time,
        lastAccepted: time,
        lastActivity: time,
        gaps: [],
        evidence,
        created: ref,
        limits,
        ...(typeof line.notAfter === 'number' && Number.isFinite(line.notAfter)
          ? { notAfter: line.notAfter }
          : {}),
      })
      return
    }
    const s = live.get(handle) ?? ended.get(handle)
    if (!s) {
      if (ACCEPTED.has(type) || END.has(type)) counts.withoutCreation += 1
      return
    }
    settleRefusal(s, time)
    if (ACCEPTED.has(type)) {
      if (s.end) {
        // Logs of two processes merged by time leave lines of one millisecond in file order, not in
        // the order they happened: a request another process accepted in the very millisecond the
        // session ended raced the end (each process decided atomically); only a later one followed it.
        if (time === s.end.time && ref.file !== s.endRef?.file) return
        violation(
          {
            rule: 'session.accepted_after_end',
            session: handle,
            time,
            message: `session ${handle}: ${type} at ${iso(time)} (line ${at(ref)}) after it ended (${s.end.reason}) at line ${at(s.endRef!)}`,
          },
          ref,
        )
        return
      }
      const { idle, absolute } = deadlines(s)
      if (time >= absolute) {
        violation(
          {
            rule: 'session.accepted_after_absolute_deadline',
            session: handle,
            time,
            message: `session ${handle}: ${type} accepted at ${iso(time)} (line ${at(ref)}), ${ms(time - absolute)} after its absolute deadline ${iso(absolute)} (authenticated ${iso(s.authTime)}, absoluteTimeout ${ms(s.limits.absoluteTimeout)} of tier "${s.policy}"${s.notAfter !== undefined && s.notAfter < s.authTime + s.limits.absoluteTimeout ? `, capped by the session's notAfter` : ''})`,
          },
          ref,
        )
      } else if (s.evidence && time >= idle) {
        violation(
          {
            rule: 'session.accepted_after_idle_deadline',
            session: handle,
            time,
            message: `session ${handle}: ${type} accepted at ${iso(time)} (line ${at(ref)}), ${ms(time - s.lastActivity)} after its last recorded activity; idleTimeout of tier "${s.policy}" is ${ms(s.limits.idleTimeout)}`,
          },
          ref,
        )
      }
      if (ACTIVITY.has(type) && time > s.lastActivity) {
        if (s.evidence && keepGaps) s.gaps.push(time - s.lastActivity)
        s.lastActivity = time
      }
      s.lastAccepted = Math.max(s.lastAccepted, time)
      return
    }
    if (END.has(type)) {
      const reason = line.reason ?? 'unknown'
      if (s.end) {
        violation(
          {
            rule: 'session.duplicate_end',
            session: handle,
            time,
            message: `session ${handle} ended twice: ${type} (${reason}) at line ${at(ref)}, first at line ${at(s.endRef!)}`,
          },
          ref,
        )
        return
      }
      const { idle, absolute } = deadlines(s)
      const deadline =
        reason === 'idle' ? (s.evidence ? idle : undefined) : reason === 'absolute' ? absolute : undefined
      if (deadline !== undefined && time < deadline - tolerance) {
        violation(
          {
            rule: 'session.expired_before_deadline',
            session: handle,
            time,
            message: `session ${handle} expired (${reason}) at ${iso(time)} (line ${at(ref)}), ${ms(deadline - time)} before its ${reason} deadline ${iso(deadline)} under --policy: activity lines are missing, or the service ran another policy`,
          },
          ref,
        )
      }
      if (reason === 'idle' && s.evidence && keepGaps) s.gaps.push(time - s.lastActivity)
      s.end = { reason, time }
      s.endRef = ref
      live.delete(handle)
      ended.set(handle, s)
      done(s)
      return
    }
    if (type === 'session.rejected' && END_REASONS.has(line.reason ?? '') && !s.end) {
      s.refusal ??= { ref, time, reason: line.reason ?? '' }
      return
    }
    if (type === 'connection.closed') checkCutoff(s, line, ref)
  }

  function checkCutoff(s: SessionState, line: AuditLine, ref: LineRef) {
    const { idle, absolute } = deadlines(s)
    const reason = line.reason ?? 'unknown'
    const deadline =
      reason === 'idle' ? (s.evidence ? idle : undefined) : reason === 'absolute' ? absolute : s.end?.time
    if (deadline === undefined) return
    const transport = line.meta?.transport ?? 'connection'
    if (line.time > deadline + tolerance) {
      violation(
        {
          rule: 'connection.cutoff_late',
          session: s.handle,
          time: line.time,
          message: `session ${s.handle}: ${transport} closed (${reason}) at ${iso(line.time)} (line ${at(ref)}), ${ms(line.time - deadline)} after the deadline ${iso(deadline)}; tolerance ${ms(tolerance)}`,
        },
        ref,
      )
    } else if ((reason === 'idle' || reason === 'absolute') && line.time < deadline - tolerance) {
      violation(
        {
          rule: 'connection.cutoff_early',
          session: s.handle,
          time: line.time,
          message: `session ${s.handle}: ${transport} closed (${reason}) at ${iso(line.time)} (line ${at(ref)}), ${ms(deadline - line.time)} before the deadline ${iso(deadline)} under --policy`,
        },
        ref,
      )
    }
  }

  function finish() {
    for (const s of live.values()) done(s)
    live.clear()
    return {
      sessions: counts.sessions,
      events: counts.events,
      sessionsWithoutCreation: counts.withoutCreation,
      sessionsWithoutEvidence: counts.withoutEvidence,
    }
  }

  return { feed, finish }
}

function iso(time: number): string {
  return new Date(time).toISOString()
}

function ms(duration: number): string {
  if (duration < 1000) return `${duration} ms`
  if (duration < 120_000) return `${(duration / 1000).toFixed(1)} s`
  return `${(duration / 60_000).toFixed(1)} min`
}
