import { CurfewError, definePolicy, type PolicyDocument, policyFingerprint } from '@curfew/core'
import type { StoreLimits } from '../stores/types'
import type { PolicyOption, ResolvedPolicy } from '../types'

export interface PolicySet {
  readonly byName: ReadonlyMap<string, ResolvedPolicy>
  readonly defaultPolicy: ResolvedPolicy
  /** The limits every store check receives: all tiers in force now. */
  readonly limits: Readonly<Record<string, StoreLimits>>
  /** True when any tier renews tokens (only then is a successor prepared per check). */
  readonly renews: boolean
}

function resolve(input: PolicyOption, name?: string): ResolvedPolicy {
  const policy = definePolicy(name === undefined ? input : { ...input, name })
  return Object.freeze({ ...policy, fingerprint: policyFingerprint(policy) })
}

/** Resolves `policy` / `policies` into named tiers with fingerprints and store limits. */
export function resolvePolicies(options: {
  policy?: PolicyOption | undefined
  policies?: Record<string, PolicyOption> | undefined
}): PolicySet {
  const byName = new Map<string, ResolvedPolicy>()
  for (const [name, input] of Object.entries(options.policies ?? {})) byName.set(name, resolve(input, name))
  let defaultPolicy: ResolvedPolicy | undefined
  if (options.policy !== undefined) {
    defaultPolicy = resolve(options.policy)
    byName.set(defaultPolicy.name, defaultPolicy)
  } else {
    defaultPolicy = byName.get('default') ?? byName.values().next().value
  }
  if (!defaultPolicy) {
    throw new CurfewError({
      code: 'invalid_option',
      message:
        'createSessionManager needs a policy: pass { policy: { idleTimeout: "15m", absoluteTimeout: "12h" } } or { policies: { default: ... } }.',
    })
  }
  const limits: Record<string, StoreLimits> = {}
  let renews = false
  for (const [name, p] of byName) {
    limits[name] = Object.freeze({
      idleTimeout: p.idleTimeout,
      absoluteTimeout: p.absoluteTimeout,
      touchInterval: p.touchInterval,
      renewEvery: p.renewEvery,
      renewGrace: p.renewGrace,
    })
    renews ||= p.renewEvery > 0
  }
  return { byName, defaultPolicy, limits: Object.freeze(limits), renews }
}

/** Body of `GET /session/policy`: the tiers in force, their fingerprints, and the server's time. */
export function policyDocument(policies: PolicySet, serverTime: number): PolicyDocument {
  return {
    protocol: 'curfew/1',
    serverTime,
    defaultPolicy: policies.defaultPolicy.name,
    policies: [...policies.byName.values()].map((p) => ({
      name: p.name,
      idleTimeout: p.idleTimeout,
      absoluteTimeout: p.absoluteTimeout,
      warnBefore: p.warnBefore,
      fingerprint: p.fingerprint,
      touchInterval: p.touchInterval,
      renewEvery: p.renewEvery,
      renewGrace: p.renewGrace,
      ...(p.source === undefined ? {} : { source: p.source }),
    })),
  }
}
