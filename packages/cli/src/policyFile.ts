import { definePolicy, isCurfewError, type Policy, type PolicyInput, policyFingerprint } from '@curfew/core'
import { CliError, EXIT } from './exitCodes'
import type { CliIO } from './io'

/** A policy with its fingerprint, as compared across services. */
export interface StatedPolicy {
  name: string
  idleTimeout: number
  absoluteTimeout: number
  warnBefore: number
  touchInterval: number
  renewEvery: number
  renewGrace: number
  fingerprint: string
}

/** The policy part of a stated policy (without the fingerprint), for `checkCompliance`. */
export function toPolicy(stated: StatedPolicy): Policy {
  const { fingerprint: _fingerprint, ...policy } = stated
  return definePolicy(policy)
}

function state(policy: Policy): StatedPolicy {
  return {
    name: policy.name,
    idleTimeout: policy.idleTimeout,
    absoluteTimeout: policy.absoluteTimeout,
    warnBefore: policy.warnBefore,
    touchInterval: policy.touchInterval,
    renewEvery: policy.renewEvery,
    renewGrace: policy.renewGrace,
    fingerprint: policyFingerprint(policy),
  }
}

/**
 * Reads the policies a file declares. Accepted shapes: one policy (`{ idleTimeout, absoluteTimeout }`),
 * named tiers (`{ policies: { default: {...}, admin: {...} } }`), or a saved `GET /session/policy`
 * document (`{ policies: [...] }`).
 */
export async function loadPolicyFile(path: string, io: CliIO): Promise<StatedPolicy[]> {
  let text: string
  try {
    text = await io.readFile(path)
  } catch (cause) {
    throw new CliError({
      message: `Cannot read policy file ${path}: ${(cause as Error).message}`,
      exitCode: EXIT.usage,
    })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new CliError({
      message: `Policy file ${path} is not valid JSON: ${(cause as Error).message}`,
      exitCode: EXIT.usage,
      cause,
    })
  }
  try {
    return policiesOf(json)
  } catch (cause) {
    const detail = isCurfewError(cause) ? `${cause.code}: ${cause.message}` : (cause as Error).message
    throw new CliError({ message: `Policy file ${path} is invalid — ${detail}`, exitCode: EXIT.usage, cause })
  }
}

function policiesOf(json: unknown): StatedPolicy[] {
  if (typeof json !== 'object' || json === null) throw new Error('expected a JSON object')
  const policies = (json as { policies?: unknown }).policies
  if (policies === undefined) return [state(definePolicy(json as PolicyInput))]
  if (Array.isArray(policies)) return policies.map((p) => state(definePolicy(stripDocumentFields(p))))
  if (typeof policies === 'object' && policies !== null) {
    return Object.entries(policies).map(([name, p]) => state(definePolicy({ ...(p as PolicyInput), name })))
  }
  throw new Error('"policies" must be an object of named policies or an array')
}

/** A policy document entry carries a fingerprint; it is recomputed, never trusted. */
function stripDocumentFields(entry: unknown): PolicyInput {
  if (typeof entry !== 'object' || entry === null) throw new Error('each policy must be an object')
  const { fingerprint: _ignored, ...rest } = entry as PolicyInput & { fingerprint?: unknown }
  return rest
}
