import { checkCompliance, formatDuration } from '@curfew/core'
import { EXIT, type ExitCode } from '../exitCodes'
import type { CliIO } from '../io'
import { loadPolicyFile, type StatedPolicy, toPolicy } from '../policyFile'
import { renderTable } from '../table'

/** Validates a policy file and prints each policy with its fingerprint (and compliance, if asked). */
export async function runPolicy(
  options: { file: string; compliance?: readonly string[]; json?: boolean },
  io: CliIO,
): Promise<ExitCode> {
  const policies = await loadPolicyFile(options.file, io)
  const compliance = policies.flatMap((p) =>
    checkCompliance(toPolicy(p), options.compliance ?? []).map((r) => ({ ...r, policy: p.name })),
  )
  if (options.json) {
    io.stdout(JSON.stringify({ policies, compliance }, null, 2))
  } else {
    io.stdout(
      renderTable(
        ['policy', 'idle', 'absolute', 'warn', 'touch', 'renew', 'fingerprint'],
        policies.map((p: StatedPolicy) => [
          p.name,
          formatDuration(p.idleTimeout),
          formatDuration(p.absoluteTimeout),
          formatDuration(p.warnBefore),
          formatDuration(p.touchInterval),
          p.renewEvery ? formatDuration(p.renewEvery) : 'off',
          p.fingerprint,
        ]),
      ),
    )
    if (compliance.length > 0) {
      io.stdout('')
      io.stdout(
        renderTable(
          ['policy', 'rule', 'result', 'values', 'clause'],
          compliance.map((c) => [c.policy, c.rule, c.status.toUpperCase(), c.summary, c.clause]),
        ),
      )
    }
  }
  return compliance.some((c) => c.status === 'fail') ? EXIT.mismatch : EXIT.ok
}
