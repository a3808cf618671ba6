import { parseDuration } from '@curfew/core'
import { type AuditVerification, UnreadableInputError, verifyAuditLogs } from '../audit/verifyLogs'
import { CliError, EXIT, type ExitCode } from '../exitCodes'
import type { CliIO } from '../io'
import { loadPolicyFile } from '../policyFile'

/** Options of `curfew audit verify`. */
export interface AuditVerifyOptions {
  files: string[]
  policyFile: string
  /** File holding the chains' HMAC key (else `CURFEW_AUDIT_KEY`). */
  keyFile?: string
  /** Tolerance for expiries and cut-offs around their deadline (ms or `'2s'`). Default `'2s'`. */
  tolerance?: string | number
  env?: Record<string, string | undefined>
}

/** Loads the key and policy, and turns unreadable inputs into exit code 2. */
export async function prepareAuditInputs(
  options: AuditVerifyOptions,
  io: CliIO,
): Promise<{ policies: Awaited<ReturnType<typeof loadPolicyFile>>; key?: string; tolerance: number }> {
  if (options.files.length === 0) {
    throw new CliError({ message: 'curfew audit needs at least one log file', exitCode: EXIT.usage })
  }
  const policies = await loadPolicyFile(options.policyFile, io)
  let key = options.env?.CURFEW_AUDIT_KEY
  if (options.keyFile !== undefined) {
    try {
      key = (await io.readFile(options.keyFile)).trim()
    } catch (cause) {
      throw new CliError({ message: `Cannot read key file ${options.keyFile}`, exitCode: EXIT.usage, cause })
    }
  }
  let tolerance: number
  try {
    tolerance = parseDuration(options.tolerance ?? '2s')
  } catch (cause) {
    throw new CliError({
      message: `Bad --tolerance: ${(cause as Error).message}`,
      exitCode: EXIT.usage,
      cause,
    })
  }
  return { policies, ...(key ? { key } : {}), tolerance }
}

/**
 * `curfew audit verify`: checks every hash chain of the logs and proves enforcement from the events.
 * Exit 0 when every rule holds, 1 with violations, 2 when an input cannot be read.
 *
 * @example
 * const { result, exitCode } = await runAuditVerify({ files: ['api.log'], policyFile: 'policy.json' }, nodeIO)
 */
export async function runAuditVerify(
  options: AuditVerifyOptions,
  io: CliIO,
): Promise<{ result: AuditVerification; exitCode: ExitCode }> {
  const inputs = await prepareAuditInputs(options, io)
  try {
    const result = await verifyAuditLogs({ files: options.files, ...inputs })
    return { result, exitCode: result.verdict === 'pass' ? EXIT.ok : EXIT.mismatch }
  } catch (error) {
    if (error instanceof UnreadableInputError) {
      throw new CliError({ message: error.message, exitCode: EXIT.usage, cause: error })
    }
    throw error
  }
}

/** The human-readable verification report. */
export function formatAuditVerification(result: AuditVerification): string {
  const out: string[] = []
  out.push(`curfew audit verify: ${result.verdict === 'pass' ? 'PASS' : 'FAIL'}`)
  out.push(
    `  ${result.files.length} file(s), ${result.lines} line(s), ${result.events} event(s), ${result.sessions} session(s), ${result.chains.length} chain(s)`,
  )
  for (const p of result.policies) {
    out.push(
      `  policy "${p.name}": idle ${p.idleTimeout} ms, absolute ${p.absoluteTimeout} ms (fingerprint ${p.fingerprint}); tolerance ${result.tolerance} ms`,
    )
  }
  for (const file of result.unchainedFiles) {
    out.push(
      `  warning: ${file} is not hash-chained: no tamper evidence (jsonLinesSink(stream, { chain: true }))`,
    )
  }
  if (result.sessionsWithoutEvidence > 0) {
    out.push(
      `  note: ${result.sessionsWithoutEvidence} session(s) were audited without activity records: idle rules unproven for them (auditActivity: true)`,
    )
  }
  if (result.eventsForSessionsWithoutCreation > 0) {
    out.push(
      `  note: ${result.eventsForSessionsWithoutCreation} event(s) concern sessions created before these logs begin`,
    )
  }
  if (result.violationCount > 0) {
    out.push(`  ${result.violationCount} violation(s):`)
    for (const [rule, count] of Object.entries(result.violationsByRule)) out.push(`    ${rule}: ${count}`)
    for (const v of result.violations) {
      out.push(`  - [${v.rule}] ${v.file}:${v.line}${v.session ? ` ${v.session}` : ''}: ${v.message}`)
    }
    if (result.violations.length < result.violationCount) {
      out.push(`  … ${result.violationCount - result.violations.length} more (see --json)`)
    }
  }
  return out.join('\n')
}
