import { type ComplianceResult, type ComplianceRule, CurfewError, checkCompliance } from '@curfew/core'
import type { ResolvedPolicy } from '../types'

/** One compliance result of one configured tier (`manager.compliance`). */
export type ManagerComplianceResult = ComplianceResult & { readonly policy: string }

/**
 * Checks every configured tier against the named rules. Any `fail` (a hard limit exceeded, or an
 * unknown rule name) refuses the configuration: a service must not start out of compliance. `warn`
 * results (guidance such as OWASP, HIPAA's addressable control) are returned for the caller to show.
 */
export function enforceCompliance(options: {
  policies: ReadonlyMap<string, ResolvedPolicy>
  rules: readonly (ComplianceRule | string)[] | undefined
}): readonly ManagerComplianceResult[] {
  const { rules } = options
  if (rules === undefined) return Object.freeze([])
  if (!Array.isArray(rules)) {
    throw new CurfewError({
      code: 'invalid_option',
      message: '"compliance" must be an array of rule names, e.g. ["pci-dss-4", "nist-aal3"].',
    })
  }
  const results: ManagerComplianceResult[] = []
  for (const policy of options.policies.values()) {
    // The resolved tier carries its fingerprint, which is not a policy key: check the policy itself.
    const { fingerprint: _fingerprint, ...plain } = policy
    for (const result of checkCompliance(plain, rules)) results.push({ ...result, policy: policy.name })
  }
  const failed = results.filter((r) => r.status === 'fail')
  if (failed.length > 0) {
    const lines = failed.map((r) => `- policy "${r.policy}": ${r.rule} (${r.clause}): ${r.summary}`)
    throw new CurfewError({
      code: 'compliance_failed',
      message: `The session policy does not meet the required standards:\n${lines.join('\n')}`,
    })
  }
  return Object.freeze(results)
}
