import { definePolicy, type PolicyDocument, policyFingerprint } from '@curfew/core'
import { CliError, EXIT } from './exitCodes'
import type { CliIO } from './io'
import type { StatedPolicy } from './policyFile'

/** What one service states, with any inconsistency found in its own document. */
export interface ServiceStatement {
  url: string
  defaultPolicy: string
  policies: StatedPolicy[]
  /** Problems inside the document itself (a fingerprint that does not match its own values). */
  problems: string[]
}

/** `https://api/` → `https://api/session/policy`; `https://api/auth` → `https://api/auth/policy`. */
export function policyUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new CliError({
      message: `"${input}" is not a URL (e.g. https://api.example.com/session)`,
      exitCode: EXIT.usage,
    })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError({ message: `"${input}" must be an http(s) URL`, exitCode: EXIT.usage })
  }
  const path = url.pathname.replace(/\/+$/, '')
  if (path.endsWith('/policy')) return url.toString()
  url.pathname = path === '' ? '/session/policy' : `${path}/policy`
  return url.toString()
}

/** Fetches and validates one service's policy document, within `timeoutMs`. */
export async function fetchStatement(
  input: string,
  options: { io: CliIO; timeoutMs: number },
): Promise<ServiceStatement> {
  const url = policyUrl(input)
  let response: Response
  try {
    response = await options.io.fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    })
  } catch (cause) {
    throw new CliError({
      message: `${url}: unreachable (${(cause as Error).message})`,
      exitCode: EXIT.unreachable,
      cause,
    })
  }
  if (!response.ok) {
    throw new CliError({ message: `${url}: answered HTTP ${response.status}`, exitCode: EXIT.unreachable })
  }
  let body: unknown
  try {
    body = await response.json()
  } catch (cause) {
    throw new CliError({ message: `${url}: answered with invalid JSON`, exitCode: EXIT.unreachable, cause })
  }
  const doc = body as Partial<PolicyDocument>
  if (doc?.protocol !== 'curfew/1' || !Array.isArray(doc.policies)) {
    throw new CliError({ message: `${url}: not a Curfew policy document`, exitCode: EXIT.unreachable })
  }
  const problems: string[] = []
  const policies: StatedPolicy[] = []
  for (const entry of doc.policies) {
    try {
      const { fingerprint, source: _source, ...values } = entry
      const policy = definePolicy(values)
      const computed = policyFingerprint(policy)
      if (computed !== fingerprint) {
        problems.push(
          `policy "${policy.name}" claims fingerprint ${fingerprint} but its values give ${computed}`,
        )
      }
      policies.push({ ...values, name: policy.name, fingerprint: computed } as StatedPolicy)
    } catch (cause) {
      problems.push(`a policy entry is invalid: ${(cause as Error).message}`)
    }
  }
  return { url: input, defaultPolicy: String(doc.defaultPolicy ?? 'default'), policies, problems }
}
