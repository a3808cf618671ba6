import { describe, expect, it } from 'vitest'
import type { SessionRejection } from '../../types'
import { cookieSettings } from '../cookie'
import { resolveHttpOptions } from '../options'
import { checkRecentAuth, recentAuthLimit } from '../recentAuth'
import { challenge, rejectionReply } from '../replies'
import { matchSessionRoute } from '../routes'

const settings = cookieSettings(resolveHttpOptions(), { host: 'localhost' })

function rejection(reason: SessionRejection['reason'], httpStatus: 401 | 503 = 401): SessionRejection {
  const error = reason === 'missing' ? 'no_session' : 'session_expired'
  return {
    ok: false,
    reason,
    httpStatus,
    body: { error, reason, serverTime: 5, message: `Session ${reason}.` } as SessionRejection['body'],
    wwwAuthenticate: 'Bearer error="invalid_token"',
  }
}

describe('challenge', () => {
  it('uses the bare RFC 6750 challenge when no credentials were sent', () => {
    expect(challenge({ realm: 'curfew', source: null, rejection: rejection('missing') })).toBe(
      'Bearer realm="curfew"',
    )
  })

  it('names invalid_token with a sanitised description for bearer tokens', () => {
    const bad = rejection('idle')
    bad.body.message = 'say "hi"\n'
    expect(challenge({ realm: 'r', source: 'bearer', rejection: bad })).toBe(
      'Bearer realm="r", error="invalid_token", error_description="say hi"',
    )
  })

  it("keeps the manager's challenge for cookies, with a fallback naming error and reason", () => {
    expect(challenge({ realm: 'r', source: 'cookie', rejection: rejection('idle') })).toBe(
      'Bearer error="invalid_token"',
    )
    const { wwwAuthenticate: _, ...bare } = rejection('idle')
    expect(challenge({ realm: 'r', source: 'cookie', rejection: bare })).toBe(
      'Curfew realm="r", error="session_expired", reason="idle"',
    )
  })
})

describe('rejectionReply', () => {
  const reply = (r: SessionRejection, source: 'cookie' | 'bearer' | null = 'cookie') =>
    rejectionReply({ rejection: r, source, settings, realm: 'curfew' })
  const header = (r: ReturnType<typeof reply>, name: string) => r.headers.find(([n]) => n === name)?.[1]

  it('clears the cookie of an ended session', () => {
    const answer = reply(rejection('idle'))
    expect(answer.status).toBe(401)
    expect(header(answer, 'Set-Cookie')).toMatch(/^curfew_session=; Max-Age=0/)
    expect(header(answer, 'Cache-Control')).toBe('no-store')
  })

  it('keeps the cookie on store outages and for bearer requests', () => {
    const down = reply(rejection('store_unavailable', 503))
    expect(down.status).toBe(503)
    expect(header(down, 'Set-Cookie')).toBeUndefined()
    expect(header(down, 'WWW-Authenticate')).toBeUndefined()
    expect(header(down, 'Retry-After')).toBe('5')
    expect(header(reply(rejection('idle'), 'bearer'), 'Set-Cookie')).toBeUndefined()
  })
})

describe('matchSessionRoute', () => {
  it('maps paths and methods, tolerating a trailing slash', () => {
    expect(matchSessionRoute('GET', '/', 0)).toEqual({ route: 'status' })
    expect(matchSessionRoute('HEAD', '', 0)).toEqual({ route: 'status' })
    expect(matchSessionRoute('POST', '/activity/', 0)).toEqual({ route: 'activity' })
    expect(matchSessionRoute('POST', '/refresh', 0)).toEqual({ route: 'refresh' })
    expect(matchSessionRoute('POST', '/logout', 0)).toEqual({ route: 'logout' })
    expect(matchSessionRoute('GET', '/policy', 0)).toEqual({ route: 'policy' })
  })

  it('answers a wrong method with 405 and Allow, and leaves unknown paths and OPTIONS alone', () => {
    const wrong = matchSessionRoute('GET', '/logout', 3)
    expect(wrong).toMatchObject({
      reply: { status: 405, body: { error: 'method_not_allowed', serverTime: 3 } },
    })
    expect(wrong && 'reply' in wrong && wrong.reply.headers).toContainEqual(['Allow', 'POST'])
    expect(matchSessionRoute('GET', '/other', 0)).toBeNull()
    expect(matchSessionRoute('OPTIONS', '/activity', 0)).toBeNull()
  })
})

describe('checkRecentAuth', () => {
  const state = (authTime: number, serverTime: number) =>
    ({ session: { authTime }, status: { serverTime }, source: 'cookie' }) as Parameters<
      typeof checkRecentAuth
    >[0]

  it('lets a recent sign-in through, up to and including maxAge', () => {
    expect(checkRecentAuth(state(0, 300_000), { maxAgeMs: recentAuthLimit('5m'), realm: 'r' })).toBeNull()
  })

  it('answers 401 reauth_required with an RFC 9470 challenge past maxAge', () => {
    const reply = checkRecentAuth(state(0, 300_001), { maxAgeMs: 300_000, realm: 'r' })
    expect(reply).toMatchObject({ status: 401, body: { error: 'reauth_required', reason: 'auth_too_old' } })
    expect(reply?.headers).toContainEqual([
      'WWW-Authenticate',
      'Bearer realm="r", error="insufficient_user_authentication", error_description="authentication too old", max_age=300',
    ])
  })
})
