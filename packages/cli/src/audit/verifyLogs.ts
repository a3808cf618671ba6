import { basename } from 'node:path'
import type { StatedPolicy } from '../policyFile'
import { type ChainSummary, chainFieldsOf, createChainChecker } from './chainCheck'
import { type AuditLine, createEnforcementChecker, type SessionStory } from './enforcement'
import { assertReadable, lineBatches } from './lines'
import type { AuditRule, AuditViolation, LineRef } from './violations'

/** Options of {@link verifyAuditLogs}. */
export interface VerifyAuditLogsOptions {
  files: readonly string[]
  /** The policy in force (every tier), from `--policy`. */
  policies: readonly StatedPolicy[]
  /** HMAC key of chains written with one. */
  key?: string
  /** How far (ms) an expiry or a connection cut-off may land from its deadline. */
  tolerance: number
  /** Most violations kept in the result (all are counted). Default 1000. */
  maxViolations?: number
  /** Sees every audit line in time order, with its service (report statistics). */
  onLine?: (line: AuditLine, service: string) => void
  onSessionDone?: (story: SessionStory) => void
}

/** The outcome of a verification. */
export interface AuditVerification {
  verdict: 'pass' | 'fail'
  files: string[]
  lines: number
  events: number
  sessions: number
  /** Events about sessions whose creation is not in the logs (they began before the logs did). */
  eventsForSessionsWithoutCreation: number
  /** Sessions whose activity was not recorded (no evidence-grade audit): idle rules unproven for them. */
  sessionsWithoutEvidence: number
  chains: ChainSummary[]
  /** Files with Curfew events and no chain at all: no tamper evidence. */
  unchainedFiles: string[]
  violationCount: number
  violationsByRule: Partial<Record<AuditRule, number>>
  violations: AuditViolation[]
  policies: StatedPolicy[]
  tolerance: number
}

/** Thrown when an input cannot be read or verified at all (exit code 2). */
export class UnreadableInputError extends Error {
  override readonly name = 'UnreadableInputError'
}

interface Cursor {
  file: string
  batches: AsyncGenerator<string[]>
  batch: string[]
  index: number
  lineNo: number
  head?: { raw: string; event: Record<string, unknown> | undefined; time: number; ref: LineRef }
  lastTime: number
  chained: boolean
  unchained: LineRef[]
  curfewLines: number
}

const CURFEW_TYPE = /^(session|connection|subject|store|policy|client|audit)\./

/**
 * Verifies audit logs in one streaming pass: every hash chain in file order, and the enforcement
 * rules over all files merged in time order (several services, one fleet). Memory is bounded by the
 * number of sessions alive at once, never by the size of the logs.
 *
 * @example
 * const result = await verifyAuditLogs({ files: ['api.log', 'web.log'], policies, tolerance: 2000 })
 * if (result.verdict === 'fail') console.log(result.violations)
 */
export async function verifyAuditLogs(options: VerifyAuditLogsOptions): Promise<AuditVerification> {
  const files = [...options.files]
  try {
    await assertReadable(files)
  } catch (error) {
    throw new UnreadableInputError(`Cannot read audit log: ${(error as Error).message}`)
  }
  const maxViolations = options.maxViolations ?? 1000
  const violations: AuditViolation[] = []
  const byRule: Partial<Record<AuditRule, number>> = {}
  let violationCount = 0
  const report = (v: AuditViolation) => {
    violationCount += 1
    byRule[v.rule] = (byRule[v.rule] ?? 0) + 1
    if (violations.length < maxViolations) violations.push(v)
  }
  const chains = createChainChecker({ key: options.key, report })
  const enforcement = createEnforcementChecker({
    policies: options.policies,
    tolerance: options.tolerance,
    report,
    ...(options.onSessionDone ? { onSessionDone: options.onSessionDone } : {}),
  })
  const serviceOfChain = new Map<string, string>()
  let lines = 0

  const cursors: Cursor[] = files.map((file) => ({
    file,
    batches: lineBatches(file),
    batch: [],
    index: 0,
    lineNo: 0,
    lastTime: 0,
    chained: false,
    unchained: [],
    curfewLines: 0,
  }))

  // Advances a cursor to its next non-empty line, parsed; chain checks run here, in file order.
  async function advance(c: Cursor): Promise<void> {
    for (;;) {
      if (c.index >= c.batch.length) {
        let next: IteratorResult<string[]>
        try {
          next = await c.batches.next()
        } catch (error) {
          throw new UnreadableInputError(`Cannot read ${c.file}: ${(error as Error).message}`)
        }
        if (next.done) {
          c.head = undefined
          return
        }
        c.batch = next.value
        c.index = 0
      }
      const raw = c.batch[c.index++]!
      c.lineNo += 1
      if (raw.trim() === '') continue
      lines += 1
      const ref = { file: c.file, line: c.lineNo }
      let event: Record<string, unknown> | undefined
      try {
        const parsed: unknown = JSON.parse(raw)
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          event = parsed as Record<string, unknown>
        }
      } catch {}
      if (!event) {
        report({
          rule: 'line.malformed',
          ...ref,
          message: `line ${ref.file}:${ref.line} is not a JSON object`,
        })
        c.head = { raw, event: undefined, time: c.lastTime, ref }
        return
      }
      const fields = chainFieldsOf(event)
      const isCurfew = typeof event.type === 'string' && CURFEW_TYPE.test(event.type)
      if (isCurfew) c.curfewLines += 1
      if (fields) {
        if (
          event.type === 'audit.chain.started' &&
          event.alg === 'hmac-sha256' &&
          options.key === undefined
        ) {
          throw new UnreadableInputError(
            `${c.file} is chained with HMAC-SHA-256 (line ${ref.line}): pass its key with --key-file or CURFEW_AUDIT_KEY`,
          )
        }
        if (!c.chained) {
          c.chained = true
          for (const u of c.unchained) unchainedLine(u)
          c.unchained = []
        }
        chains.check({ raw, event, fields, ref })
        if (typeof event.service === 'string' && event.type === 'audit.chain.started') {
          serviceOfChain.set(fields.chain, event.service)
        }
      } else if (isCurfew) {
        if (c.chained) unchainedLine(ref)
        else if (c.unchained.length < 1000) c.unchained.push(ref)
      }
      const time = typeof event.time === 'number' && Number.isFinite(event.time) ? event.time : c.lastTime
      c.lastTime = time
      c.head = { raw, event, time, ref }
      return
    }
  }

  function unchainedLine(ref: LineRef) {
    report({
      rule: 'chain.unchained',
      ...ref,
      message: `line ${ref.file}:${ref.line} carries no chain fields in a chained log: it was inserted`,
    })
  }

  await Promise.all(cursors.map(advance))
  const active = cursors.filter((c) => c.head)
  for (;;) {
    // A handful of files: a linear scan for the earliest head beats a heap.
    let pick: Cursor | undefined
    for (const c of active) if (c.head && (!pick || c.head.time < pick.head!.time)) pick = c
    if (!pick) break
    const head = pick.head!
    const event = head.event
    if (event && typeof event.type === 'string' && typeof event.time === 'number') {
      const chain = typeof event.chain === 'string' ? event.chain : undefined
      const service = (chain && serviceOfChain.get(chain)) || basename(pick.file)
      const line = event as unknown as AuditLine
      enforcement.feed(line, head.ref, service)
      options.onLine?.(line, service)
    }
    // Consume the rest of this file's batch while it stays the earliest: one await per batch, not per line.
    await advance(pick)
  }

  const chainSummaries = chains.finish()
  const totals = enforcement.finish()
  const unchainedFiles = cursors.filter((c) => !c.chained && c.curfewLines > 0).map((c) => c.file)
  return {
    verdict: violationCount === 0 ? 'pass' : 'fail',
    files,
    lines,
    events: totals.events,
    sessions: totals.sessions,
    eventsForSessionsWithoutCreation: totals.sessionsWithoutCreation,
    sessionsWithoutEvidence: totals.sessionsWithoutEvidence,
    chains: chainSummaries.map((c) =>
      serviceOfChain.has(c.id) ? { ...c, service: serviceOfChain.get(c.id)! } : c,
    ),
    unchainedFiles,
    violationCount,
    violationsByRule: byRule,
    violations,
    policies: [...options.policies],
    tolerance: options.tolerance,
  }
}
