import { formatDuration } from '@curfew/core'
import { classifyDrift, type DriftReason, type ResolvedPolicy, type StoredSession } from '@curfew/server'
import { CliError, EXIT, type ExitCode } from '../exitCodes'
import type { CliIO } from '../io'
import { loadPolicyFile, toPolicy } from '../policyFile'
import { openRedisStore, redactUrl } from '../redis'
import { renderTable } from '../table'

export interface SessionsOptions {
  /** `redis://…` URL of the store. */
  redis: string
  /** Key prefix of the RedisStore. Default `'curfew:'`. */
  prefix?: string
  subject?: string
  /** Policy file: gives deadlines, and is the reference for `drift`. */
  policyFile?: string
  /** List only the sessions out of line with the policy file (exit 1 if any). */
  drift?: boolean
  /** Most sessions listed (all are counted). Default 1000. */
  limit?: number
  /** Connect and command timeout (ms). Default 5000. */
  timeoutMs?: number
}

/** One live session as `curfew sessions` reports it (deadlines only with a policy file). */
export interface SessionRow {
  handle: string
  subject: string
  policy: string
  fingerprint: string
  authTime: number
  lastActivityAt: number
  idleExpiresAt: number | null
  absoluteExpiresAt: number | null
  expiresAt: number | null
  /** `expired` when a deadline passed but the store still holds the record (it ends at its next check). */
  state: 'active' | 'expired' | 'unknown'
  drift: DriftReason | null
}

export interface SessionsReport {
  redis: string
  prefix: string
  /** Redis's clock (epoch ms), by which every deadline is judged. */
  now: number
  /** Live records read. */
  scanned: number
  /** Sessions matching (all of them, or the drifted ones with `--drift`). */
  matched: number
  sessions: SessionRow[]
  truncated: boolean
  byReason?: Record<DriftReason, number>
}

function row(options: {
  session: StoredSession
  policies: ReadonlyMap<string, ResolvedPolicy> | undefined
  now: number
}): SessionRow {
  const { session, policies, now } = options
  const policy = policies?.get(session.policy)
  const idleExpiresAt = policy
    ? Math.max(session.authTime, session.lastActivityAt) + policy.idleTimeout
    : null
  // A session's own notAfter (an IdP session lifetime) caps the tier's absolute deadline.
  const absoluteExpiresAt = policy
    ? Math.min(session.authTime + policy.absoluteTimeout, session.notAfter ?? Number.POSITIVE_INFINITY)
    : null
  const expiresAt =
    idleExpiresAt === null || absoluteExpiresAt === null ? null : Math.min(idleExpiresAt, absoluteExpiresAt)
  return {
    handle: session.handle,
    subject: session.subject,
    policy: session.policy,
    fingerprint: session.fingerprint,
    authTime: session.authTime,
    lastActivityAt: session.lastActivityAt,
    idleExpiresAt,
    absoluteExpiresAt,
    expiresAt,
    state: expiresAt === null ? 'unknown' : now < expiresAt ? 'active' : 'expired',
    drift: policies ? (classifyDrift({ session, policies, now })?.reason ?? null) : null,
  }
}

/**
 * Lists the live sessions of a `RedisStore` (streamed with `SCAN`, or one subject's), with their
 * deadlines under the `--policy` file, and with `--drift` only those out of line with it.
 */
export async function runSessions(
  options: SessionsOptions,
  io: CliIO,
): Promise<{ report: SessionsReport; exitCode: ExitCode }> {
  if (options.drift && !options.policyFile) {
    throw new CliError({
      message: '--drift needs --policy <file>: the policy the sessions are judged against',
      exitCode: EXIT.usage,
    })
  }
  const limit = Math.max(0, Math.floor(options.limit ?? 1000))
  if (!Number.isFinite(limit))
    throw new CliError({ message: '--limit must be a number', exitCode: EXIT.usage })
  const timeoutMs = options.timeoutMs ?? 5000
  if (!(timeoutMs > 0)) {
    throw new CliError({ message: '--timeout must be a positive number of ms', exitCode: EXIT.usage })
  }
  const policies = options.policyFile
    ? new Map(
        (await loadPolicyFile(options.policyFile, io)).map((p): [string, ResolvedPolicy] => [
          p.name,
          { ...toPolicy(p), fingerprint: p.fingerprint },
        ]),
      )
    : undefined
  const prefix = options.prefix ?? 'curfew:'
  const { store, close } = await openRedisStore({
    url: options.redis,
    prefix,
    timeoutMs,
  })
  try {
    const now = await store.time()
    const records: AsyncIterable<StoredSession> | StoredSession[] =
      options.subject === undefined
        ? store.scan({ count: 500 })
        : (await store.list({ subject: options.subject })).sessions
    const sessions: SessionRow[] = []
    const byReason: Record<DriftReason, number> = {
      fingerprint: 0,
      unknown_policy: 0,
      over_idle: 0,
      over_absolute: 0,
    }
    let scanned = 0
    let matched = 0
    for await (const session of records) {
      scanned++
      const current = row({ session, policies, now })
      if (options.drift && current.drift === null) continue
      if (current.drift) byReason[current.drift]++
      matched++
      if (sessions.length < limit) sessions.push(current)
    }
    const report: SessionsReport = {
      redis: redactUrl(options.redis),
      prefix,
      now,
      scanned,
      matched,
      sessions,
      truncated: matched > sessions.length,
      ...(policies ? { byReason } : {}),
    }
    return { report, exitCode: options.drift && matched > 0 ? EXIT.mismatch : EXIT.ok }
  } catch (cause) {
    if (cause instanceof CliError) throw cause
    throw new CliError({
      message: `Redis at ${redactUrl(options.redis)} failed while listing sessions: ${(cause as Error).message}`,
      exitCode: EXIT.unreachable,
      cause,
    })
  } finally {
    await close()
  }
}

const at = (time: number | null) => (time === null ? '-' : new Date(time).toISOString())

function inTime(deadline: number | null, now: number): string {
  if (deadline === null) return '-'
  const left = deadline - now
  return left > 0 ? `in ${formatDuration(Math.ceil(left / 1000) * 1000)}` : 'passed'
}

/** The human-readable listing. */
export function formatSessionsReport(report: SessionsReport): string {
  const table = renderTable(
    ['session', 'subject', 'policy', 'authenticated', 'last activity', 'expires', 'by', 'state', 'drift'],
    report.sessions.map((s) => [
      s.handle,
      s.subject,
      s.policy,
      at(s.authTime),
      at(s.lastActivityAt),
      `${at(s.expiresAt)} (${inTime(s.expiresAt, report.now)})`,
      s.expiresAt === null ? '-' : s.expiresAt === s.absoluteExpiresAt ? 'absolute' : 'idle',
      s.state,
      s.drift ?? '',
    ]),
  )
  const summary = [
    `${report.redis} prefix ${report.prefix} at ${at(report.now)}: ${report.scanned} live sessions read, ${report.matched} listed${report.truncated ? ` (first ${report.sessions.length} shown)` : ''}`,
  ]
  if (report.byReason) {
    const reasons = Object.entries(report.byReason)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ')
    summary.push(`drift: ${reasons}`)
  }
  if (!report.sessions.some((s) => s.expiresAt !== null) && report.sessions.length > 0) {
    summary.push('deadlines need --policy <file> (the store keeps no limits: the current policy rules)')
  }
  return [...(report.sessions.length > 0 ? [table] : []), ...summary].join('\n')
}
