import { describe, expect, it } from 'vitest'
import { rejection } from '../responses'

describe('rejections', () => {
  it('asks for a new sign-in with reauth_required when authentication is too old', () => {
    expect(rejection({ reason: 'auth_too_old', now: 1 })).toMatchObject({
      httpStatus: 401,
      body: { error: 'reauth_required', reason: 'auth_too_old', serverTime: 1 },
      wwwAuthenticate: expect.stringContaining('insufficient_user_authentication'),
    })
  })

  it('sends no challenge with a 503 and an RFC 6750 challenge without error code when nothing was sent', () => {
    expect(rejection({ reason: 'store_unavailable', now: 1, unavailableStatus: 503 })).not.toHaveProperty(
      'wwwAuthenticate',
    )
    expect(rejection({ reason: 'missing', now: 1 }).wwwAuthenticate).toBe('Bearer realm="curfew"')
  })

  it('names the end reason in the description', () => {
    for (const reason of [
      'idle',
      'absolute',
      'revoked',
      'logout',
      'reuse_detected',
      'policy_changed',
    ] as const) {
      const result = rejection({ reason, now: 1 })
      expect(result.wwwAuthenticate).toBe(
        `Bearer error="invalid_token", error_description="session expired: ${reason}"`,
      )
      expect(result.body).toMatchObject({ error: 'session_expired', reason })
    }
  })
})
