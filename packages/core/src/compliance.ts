import { formatDuration } from './duration'
import { definePolicy, type Policy, type PolicyInput } from './policy'

/** Standards `checkCompliance` knows. */
export type ComplianceRule =
  | 'pci-dss-4'
  | 'nist-aal2'
  | 'nist-aal3'
  | 'hipaa'
  | 'owasp-high-value'
  | 'owasp-low-risk'

/** One requirement of a standard, measured against a policy. */
export interface ComplianceCheck {
  field: 'idleTimeout' | 'absoluteTimeout'
  /** The policy's value (ms). */
  configured: number
  /** The most the standard allows (ms). */
  required: number
  ok: boolean
}

export interface ComplianceResult {
  rule: ComplianceRule
  /** `warn` where the standard is guidance or sets no number, `fail` where it is a hard limit. */
  status: 'pass' | 'fail' | 'warn'
  clause: string
  checks: ComplianceCheck[]
  /** One line for a report: what was configured and what is required. */
  summary: string
}

interface RuleSpec {
  clause: string
  idle?: number
  absolute?: number
  /** Guidance only: exceeding it warns instead of failing. */
  advisory?: boolean
}

// Limits as plain numbers (ms), not `15 * MIN`: bundlers can then prove RULES side-effect free and drop
// it (with `complianceRules` below) from browser bundles that never check compliance.
const RULES: Record<ComplianceRule, RuleSpec> = {
  'pci-dss-4': { clause: 'PCI DSS v4.0 req. 8.2.8 (idle ≤ 15 min)', idle: 900_000 /* 15 min */ },
  'nist-aal2': {
    clause: 'NIST SP 800-63B-4 §2.2.3 (AAL2: idle ≤ 1 h, overall ≤ 24 h)',
    idle: 3_600_000 /* 1 h */,
    absolute: 86_400_000 /* 24 h */,
  },
  'nist-aal3': {
    clause: 'NIST SP 800-63B-4 §2.3.3 (AAL3: idle ≤ 15 min, overall ≤ 12 h)',
    idle: 900_000 /* 15 min */,
    absolute: 43_200_000 /* 12 h */,
  },
  hipaa: {
    clause: 'HIPAA §164.312(a)(2)(iii) automatic logoff (addressable; 15 min is the common reading)',
    idle: 900_000 /* 15 min */,
    advisory: true,
  },
  'owasp-high-value': {
    clause: 'OWASP Session Management Cheat Sheet (high-value: idle 2-5 min)',
    idle: 300_000 /* 5 min */,
    advisory: true,
  },
  'owasp-low-risk': {
    clause: 'OWASP Session Management Cheat Sheet (low-risk: idle 15-30 min)',
    idle: 1_800_000 /* 30 min */,
    advisory: true,
  },
}

/** Every rule name, for CLIs and validation. */
export const complianceRules: readonly ComplianceRule[] = /* @__PURE__ */ Object.keys(
  RULES,
) as ComplianceRule[]

function check(field: ComplianceCheck['field'], configured: number, required: number): ComplianceCheck {
  return { field, configured, required, ok: configured <= required }
}

/**
 * Checks a policy against named standards. An unknown rule name is reported as `fail` rather than
 * ignored, so a typo in a compliance list cannot pass silently.
 *
 * @example
 * checkCompliance({ idleTimeout: '30m', absoluteTimeout: '12h' }, ['pci-dss-4'])
 * // [{ rule: 'pci-dss-4', status: 'fail', summary: 'idleTimeout 30m > 15m', ... }]
 */
export function checkCompliance(
  policy: Policy | PolicyInput,
  rules: readonly (ComplianceRule | string)[],
): ComplianceResult[] {
  const resolved = definePolicy(policy)
  return rules.map((name) => {
    const spec = RULES[name as ComplianceRule]
    if (!spec) {
      return {
        rule: name as ComplianceRule,
        status: 'fail',
        clause: 'unknown rule',
        checks: [],
        summary: `unknown rule "${name}"; known: ${complianceRules.join(', ')}`,
      }
    }
    const checks: ComplianceCheck[] = []
    if (spec.idle !== undefined) checks.push(check('idleTimeout', resolved.idleTimeout, spec.idle))
    if (spec.absolute !== undefined)
      checks.push(check('absoluteTimeout', resolved.absoluteTimeout, spec.absolute))
    const failed = checks.filter((c) => !c.ok)
    const status = failed.length === 0 ? 'pass' : spec.advisory ? 'warn' : 'fail'
    const summary = checks
      .map(
        (c) => `${c.field} ${formatDuration(c.configured)} ${c.ok ? '≤' : '>'} ${formatDuration(c.required)}`,
      )
      .join(', ')
    return { rule: name as ComplianceRule, status, clause: spec.clause, checks, summary }
  })
}
