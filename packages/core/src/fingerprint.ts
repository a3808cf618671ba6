import { definePolicy, type Policy, type PolicyInput } from './policy'

// cyrb53-style mixing: synchronous and dependency-free, so Node and browsers compute the same value
// without Web Crypto's async API. It identifies a policy; it does not authenticate one.
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** The canonical form that is fingerprinted: enforcement values only, in a fixed order. */
export function canonicalPolicy(policy: Policy): string {
  return JSON.stringify([
    'curfew-policy/1',
    policy.idleTimeout,
    policy.absoluteTimeout,
    policy.warnBefore,
    policy.touchInterval,
    policy.renewEvery,
    policy.renewGrace,
  ])
}

/**
 * A stable fingerprint of a policy's limits: equal for equal policies whatever the key order or
 * duration spelling (`'15m'` and `900000`), different when any limit differs. The name and source are
 * labels and do not count.
 *
 * @example
 * policyFingerprint({ idleTimeout: '15m', absoluteTimeout: '12h' }) === policyFingerprint(presets.nistAal3)
 */
export function policyFingerprint(policy: Policy | PolicyInput): string {
  const text = canonicalPolicy(definePolicy(policy))
  return `p1_${hash53(text, 1).toString(16).padStart(14, '0')}${hash53(text, 2).toString(16).padStart(14, '0')}`
}
