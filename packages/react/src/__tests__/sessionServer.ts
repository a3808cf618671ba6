/**
 * The server side of the Curfew session protocol as an injected `fetch`, so the real `@curfew/client`
 * runs end to end under fake timers: idle deadline = last activity + idle timeout, absolute deadline =
 * sign-in + absolute timeout; POSTs count as activity; `GET /session` is passive; a 401
 * `session_expired` once a deadline passed.
 */
export function createSessionServer(policy: { idle: number; absolute: number; warnBefore: number }) {
  const authTime = Date.now()
  let lastActivity = authTime
  let ended: string | null = null
  const requests: string[] = []
  const reply = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  const status = (serverTime: number) => {
    const idleExpiresAt = lastActivity + policy.idle
    const absoluteExpiresAt = authTime + policy.absolute
    return {
      state: 'active',
      serverTime,
      expiresAt: Math.min(idleExpiresAt, absoluteExpiresAt),
      idleExpiresAt,
      absoluteExpiresAt,
      expiresBy: idleExpiresAt < absoluteExpiresAt ? 'idle' : 'absolute',
      subject: 'ada',
      session: 'h1',
      policy: {
        name: 'default',
        idleTimeout: policy.idle,
        absoluteTimeout: policy.absolute,
        warnBefore: policy.warnBefore,
        fingerprint: 'test',
      },
    }
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET'
    const path = String(input)
    requests.push(`${method} ${path}`)
    const now = Date.now()
    if (!ended && now >= Math.min(lastActivity + policy.idle, authTime + policy.absolute))
      ended = now >= authTime + policy.absolute ? 'absolute' : 'idle'
    if (ended) return reply(401, { error: 'session_expired', reason: ended, serverTime: now })
    if (path.endsWith('/logout')) {
      ended = 'logout'
      return reply(200, { ...status(now), state: 'expired', reason: 'logout' })
    }
    if (method === 'POST') lastActivity = now
    return reply(200, status(now))
  }
  return { fetch: fetch as typeof globalThis.fetch, requests }
}
