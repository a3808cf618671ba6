import { type ComplianceResult, checkCompliance, formatDuration } from '@curfew/core'
import { CliError, EXIT, type ExitCode } from '../exitCodes'
import { fetchStatement, type ServiceStatement } from '../fetchPolicy'
import type { CliIO } from '../io'
import { loadPolicyFile, type StatedPolicy, toPolicy } from '../policyFile'
import { renderTable } from '../table'

export interface CheckOptions {
  urls: readonly string[]
  policyFile?: string
  compliance?: readonly string[]
  json?: boolean
  timeoutMs?: number
}

/** One line of the parity report. */
export interface ParityRow {
  service: string
  policy: string
  idleTimeout: number | null
  absoluteTimeout: number | null
  fingerprint: string | null
  status: 'ok' | 'drift' | 'missing' | 'extra' | 'invalid'
  detail?: string
}

export interface CheckReport {
  ok: boolean
  reference: string
  rows: ParityRow[]
  compliance: Array<ComplianceResult & { service: string; policy: string }>
  errors: string[]
}

function compare(service: ServiceStatement, reference: readonly StatedPolicy[]): ParityRow[] {
  const rows: ParityRow[] = []
  const byName = new Map(service.policies.map((p) => [p.name, p]))
  for (const expected of reference) {
    const actual = byName.get(expected.name)
    if (!actual) {
      rows.push({
        service: service.url,
        policy: expected.name,
        idleTimeout: null,
        absoluteTimeout: null,
        fingerprint: null,
        status: 'missing',
        detail: 'the service does not state this policy',
      })
      continue
    }
    byName.delete(expected.name)
    const differs = (
      ['idleTimeout', 'absoluteTimeout', 'warnBefore', 'touchInterval', 'renewEvery', 'renewGrace'] as const
    )
      .filter((key) => actual[key] !== expected[key])
      .map((key) => `${key} ${formatDuration(actual[key])} ≠ ${formatDuration(expected[key])}`)
    rows.push({
      service: service.url,
      policy: actual.name,
      idleTimeout: actual.idleTimeout,
      absoluteTimeout: actual.absoluteTimeout,
      fingerprint: actual.fingerprint,
      status: actual.fingerprint === expected.fingerprint ? 'ok' : 'drift',
      ...(differs.length > 0 ? { detail: differs.join(', ') } : {}),
    })
  }
  for (const extra of byName.values()) {
    rows.push({
      service: service.url,
      policy: extra.name,
      idleTimeout: extra.idleTimeout,
      absoluteTimeout: extra.absoluteTimeout,
      fingerprint: extra.fingerprint,
      status: 'extra',
      detail: 'not in the reference',
    })
  }
  for (const problem of service.problems) {
    rows.push({
      service: service.url,
      policy: '-',
      idleTimeout: null,
      absoluteTimeout: null,
      fingerprint: null,
      status: 'invalid',
      detail: problem,
    })
  }
  return rows
}

/**
 * Compares every service's stated policy with the reference (the `--policy` file, else the first
 * service) and with the named compliance rules. Unreachable services are errors, never skipped.
 */
export async function runCheck(
  options: CheckOptions,
  io: CliIO,
): Promise<{ report: CheckReport; exitCode: ExitCode }> {
  if (options.urls.length === 0) {
    throw new CliError({ message: 'curfew check needs at least one service URL', exitCode: EXIT.usage })
  }
  const fileReference = options.policyFile ? await loadPolicyFile(options.policyFile, io) : undefined
  const settled = await Promise.allSettled(
    options.urls.map((url) => fetchStatement(url, { io, timeoutMs: options.timeoutMs ?? 5_000 })),
  )
  const services: ServiceStatement[] = []
  const errors: string[] = []
  let unreachable = false
  for (const result of settled) {
    if (result.status === 'fulfilled') services.push(result.value)
    else {
      const error = result.reason as Error
      if (error instanceof CliError && error.exitCode === EXIT.usage) throw error
      unreachable = true
      errors.push(error.message)
    }
  }
  const reference = fileReference ?? services[0]?.policies ?? []
  const referenceName = options.policyFile ?? services[0]?.url ?? '-'
  const rows = services.flatMap((service) => compare(service, reference))
  const compliance = (options.compliance ?? []).length
    ? services.flatMap((service) =>
        service.policies.flatMap((policy) =>
          checkCompliance(toPolicy(policy), options.compliance ?? []).map((r) => ({
            ...r,
            service: service.url,
            policy: policy.name,
          })),
        ),
      )
    : []
  const drifted = rows.some((r) => r.status !== 'ok') || compliance.some((c) => c.status === 'fail')
  const report: CheckReport = {
    ok: !drifted && !unreachable,
    reference: referenceName,
    rows,
    compliance,
    errors,
  }
  const exitCode = unreachable ? EXIT.unreachable : drifted ? EXIT.mismatch : EXIT.ok
  return { report, exitCode }
}

const ms = (value: number | null) => (value === null ? '-' : formatDuration(value))

/** The human-readable report. */
export function formatCheckReport(report: CheckReport): string {
  const parts = [
    `reference: ${report.reference}`,
    renderTable(
      ['service', 'policy', 'idle', 'absolute', 'fingerprint', 'status', 'detail'],
      report.rows.map((r) => [
        r.service,
        r.policy,
        ms(r.idleTimeout),
        ms(r.absoluteTimeout),
        r.fingerprint ?? '-',
        r.status.toUpperCase(),
        r.detail ?? '',
      ]),
    ),
  ]
  if (report.compliance.length > 0) {
    parts.push(
      renderTable(
        ['service', 'policy', 'rule', 'result', 'values', 'clause'],
        report.compliance.map((c) => [
          c.service,
          c.policy,
          c.rule,
          c.status.toUpperCase(),
          c.summary,
          c.clause,
        ]),
      ),
    )
  }
  for (const error of report.errors) parts.push(`error: ${error}`)
  parts.push(report.ok ? 'result: all services agree' : 'result: MISMATCH')
  return parts.join('\n\n')
}
