import { CurfewError } from '@curfew/core'
import type { CreateSessionInput, ResolvedPolicy } from '../types'

const MAX_DATA_BYTES = 8 * 1024
const MAX_SUBJECT_LENGTH = 512

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/** Size of `data` as JSON in UTF-8 bytes; throws `invalid_option` when it cannot be serialised. */
function dataBytes(data: unknown): number {
  let json: string | undefined
  try {
    json = JSON.stringify(data)
  } catch (cause) {
    // BigInt values, cycles, throwing toJSON(): the app's mistake, reported as one, not a raw TypeError.
    throw new CurfewError({
      code: 'invalid_option',
      message: 'Session "data" must be JSON-serialisable (no BigInt values or circular references).',
      cause,
    })
  }
  if (typeof json !== 'string') invalid('Session "data" must be a JSON object.')
  return new TextEncoder().encode(json).byteLength
}

/**
 * Checks what the app passes to `manager.create` before anything touches the store, and resolves the
 * policy tier. Throws `CurfewError` (`invalid_option`, `unknown_policy`): the input comes from the
 * application, not the client.
 *
 * @example
 * const policy = checkCreateInput(input, policies)
 */
export function checkCreateInput(
  input: CreateSessionInput,
  policies: { byName: ReadonlyMap<string, ResolvedPolicy>; defaultPolicy: ResolvedPolicy },
): ResolvedPolicy {
  if (typeof input !== 'object' || input === null) invalid('create() expects { subject }.')
  const { subject } = input
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
    invalid(`"subject" must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters.`)
  }
  const policyName = input.policy ?? policies.defaultPolicy.name
  const policy = policies.byName.get(policyName)
  if (!policy) {
    throw new CurfewError({
      code: 'unknown_policy',
      message: `Unknown policy "${policyName}". Configured: ${[...policies.byName.keys()].join(', ')}.`,
    })
  }
  if (input.data !== undefined && dataBytes(input.data) > MAX_DATA_BYTES) {
    invalid(
      `Session "data" must serialise to at most ${MAX_DATA_BYTES} bytes of UTF-8; keep large state elsewhere.`,
    )
  }
  return policy
}
