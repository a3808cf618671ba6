import type { SessionInfo } from '@curfew/server'

/** Headers an upstream reads to learn who is asking. Never trusted from the client: the gateway strips them. */
export const IDENTITY_HEADERS = {
  subject: 'X-Curfew-Subject',
  session: 'X-Curfew-Session',
  policy: 'X-Curfew-Policy',
} as const

// Header values must be visible ASCII; a subject from an IdP may be anything (`ü`, spaces, CR/LF).
function headerSafe(value: string): string {
  return /^[\x21-\x7e]*$/.test(value) && !value.includes('%') ? value : encodeURIComponent(value)
}

/**
 * The identity headers for a live session: subject (percent-encoded when it holds anything but visible
 * ASCII), the non-secret session handle, the policy tier, and the access JWT when configured.
 */
export function identityHeaders(
  session: SessionInfo,
  accessToken?: { header: string; token: string },
): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    [IDENTITY_HEADERS.subject, headerSafe(session.subject)],
    [IDENTITY_HEADERS.session, session.handle],
    [IDENTITY_HEADERS.policy, session.policy],
  ]
  if (accessToken) headers.push([accessToken.header, accessToken.token])
  return headers
}

/** Lower-case names of every identity header, to strip client-sent copies before proxying. */
export function identityHeaderNames(accessTokenHeader: string | undefined): string[] {
  const names = Object.values(IDENTITY_HEADERS).map((name) => name.toLowerCase())
  if (accessTokenHeader) names.push(accessTokenHeader.toLowerCase())
  return names
}
