import { describe, expect, it } from 'vitest'
import type { SessionManager, SessionRejection } from '../../types'
import { challenge } from '../challenge'
import { cookieSettings } from '../cookie'
import { resolveHttpOptions } from '../options'
import { createRecentAuthCheck, type RecentAuthCheck } from '../recentAuth'
import { rejectionReply } from '../replies'
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
  it('uses the bare RFC 6750 challenge when no credentials were sent, with the default realm if none is given', () => {
    expect(challenge({ reason: 'missing', realm: 'r' })).toBe('Bearer realm="r"')
    expect(challenge({ reason: 'missing' })).toBe('Bearer realm="curfew"')
  })

  it('names invalid_token with a description of the reason, and the realm when one is given', () => {
    expect(challenge({ reason: 'idle', realm: 'r' })).toBe(
      'Bearer realm="r", error="invalid_token", error_description="session expired: idle"',
    )
    expect(challenge({ reason: 'unknown' })).toBe(
      'Bearer error="invalid_token", error_description="unknown session"',
    )
  })

  it('asks for step-up with insufficient_user_authentication and max_age in whole seconds', () => {
    expect(challenge({ reason: 'auth_too_old', realm: 'r', maxAgeMs: 300_999 })).toBe(
      'Bearer realm="r", error="insufficient_user_authentication", error_description="authentication too old", max_age=300',
    )
  })

  it('strips quotes, backslashes and control characters from a configured realm', () => {
    expect(challenge({ reason: 'missing', realm: 'a"b\\c\n' })).toBe('Bearer realm="abc"')
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

  it('names the configured realm for cookie and bearer clients alike', () => {
    for (const source of ['cookie', 'bearer'] as const) {
      const answer = rejectionReply({ rejection: rejection('idle'), source, settings, realm: 'shop' })
      expect(header(answer, 'WWW-Authenticate')).toBe(
        'Bearer realm="shop", error="invalid_token", error_description="session expired: idle"',
      )
    }
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

describe('createRecentAuthCheck', () => {
  const state = (authTime: number, serverTime: number) =>
    ({ session: { authTime }, status: { serverTime }, source: 'cookie' }) as NonNullable<
      Parameters<RecentAuthCheck>[0]
    >
  const check = (maxAge: string | number, manager?: SessionManager) =>
    createRecentAuthCheck({ maxAge, realm: 'r', manager, missingMessage: 'authenticate first' })

  it('lets a recent sign-in through, up to and including maxAge', () => {
    expect(check('5m')(state(0, 300_000))).toBeNull()
  })

  it('answers 401 reauth_required with an RFC 9470 challenge past maxAge', () => {
    const reply = check(300_000)(state(0, 300_001))
    expect(reply).toMatchObject({ status: 401, body: { error: 'reauth_required', reason: 'auth_too_old' } })
    expect(reply?.headers).toContainEqual([
      'WWW-Authenticate',
      'Bearer realm="r", error="insufficient_user_authentication", error_description="authentication too old", max_age=300',
    ])
  })

  it("answers a request without a session 401 no_session, stamped with the manager's clock", () => {
    const manager = { now: () => 42 } as SessionManager
    for (const missing of [null, undefined]) {
      const reply = check('5m', manager)(missing)
      expect(reply).toMatchObject({
        status: 401,
        body: { error: 'no_session', reason: 'missing', serverTime: 42, message: 'authenticate first' },
      })
      expect(reply?.headers).toContainEqual(['WWW-Authenticate', 'Bearer realm="r"'])
    }
  })

  it('fails at setup, not at request time, on a malformed maxAge', () => {
    expect(() => check('5 fortnights')).toThrow(expect.objectContaining({ code: 'invalid_duration' }))
  })
})
