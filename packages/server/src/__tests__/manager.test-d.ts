import {
  CurfewError,
  type CurfewErrorCode,
  type ExpiryReason,
  isCurfewError,
  type PolicyInput,
  type SessionError,
  type SessionStatus,
} from '@curfew/core'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type AccessTokenFailureReason,
  type AuditEvent,
  type AuditReason,
  type AuditSink,
  type CreatedSession,
  createSessionManager,
  type DriftReason,
  type DriftReport,
  type IdTokenFailureReason,
  type LogoutTokenFailureReason,
  type MemoryStore,
  type ResolvedPolicy,
  type RevokeReason,
  type SessionAcceptance,
  type SessionInfo,
  type SessionManager,
  type SessionManagerOptions,
  type SessionRejection,
  type SessionStore,
  type StoreEndReason,
  type TokenFailure,
  type ValidateResult,
} from '../index'

const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '8h' } })

describe('public types of @curfew/server: createSessionManager', () => {
  it('takes one options object and returns the manager', () => {
    expectTypeOf(createSessionManager).parameters.toEqualTypeOf<[options: SessionManagerOptions]>()
    expectTypeOf(createSessionManager).returns.toEqualTypeOf<SessionManager>()
    // @ts-expect-error: the options object is required
    createSessionManager()
    // @ts-expect-error: an unknown option is a typo
    createSessionManager({ polciy: { idleTimeout: '15m', absoluteTimeout: '8h' } })
  })

  it('takes a policy or named tiers as inputs with durations as ms or strings', () => {
    expectTypeOf<SessionManagerOptions['policy']>().toExtend<PolicyInput | ResolvedPolicy | undefined>()
    expectTypeOf<{ idleTimeout: 900_000; absoluteTimeout: '8h' }>().toExtend<
      NonNullable<SessionManagerOptions['policy']>
    >()
    expectTypeOf<{ admin: PolicyInput }>().toExtend<NonNullable<SessionManagerOptions['policies']>>()
    createSessionManager({ policies: { default: { idleTimeout: 60_000, absoluteTimeout: '1h' } } })
    // @ts-expect-error: a policy needs both deadlines
    createSessionManager({ policy: { idleTimeout: '15m' } })
  })

  it('takes a store, a clock, audit sinks and closed unions for its switches', () => {
    expectTypeOf<MemoryStore>().toExtend<SessionStore>()
    expectTypeOf<SessionManagerOptions['store']>().toEqualTypeOf<SessionStore | undefined>()
    expectTypeOf<SessionManagerOptions['now']>().toEqualTypeOf<(() => number) | undefined>()
    expectTypeOf<SessionManagerOptions['onStoreError']>().toEqualTypeOf<'deny' | 'unavailable' | undefined>()
    expectTypeOf<(event: AuditEvent) => void>().toExtend<NonNullable<SessionManagerOptions['audit']>>()
    expectTypeOf<AuditSink[]>().toExtend<NonNullable<SessionManagerOptions['audit']>>()
    expectTypeOf<false>().toExtend<NonNullable<SessionManagerOptions['metrics']>>()
    // @ts-expect-error: onStoreError is 'deny' or 'unavailable'
    createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '8h' }, onStoreError: 'allow' })
    createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
      // @ts-expect-error: tokens.algorithm is a closed list
      tokens: { secret: 'x'.repeat(32), algorithm: 'none' },
    })
  })
})

describe('public types of @curfew/server: the manager', () => {
  it('creates sessions and validates any token-ish input', () => {
    expectTypeOf(manager.create).parameter(0).toHaveProperty('subject').toEqualTypeOf<string>()
    expectTypeOf(manager.create({ subject: 'u1' })).toEqualTypeOf<Promise<CreatedSession>>()
    expectTypeOf<CreatedSession['token']>().toEqualTypeOf<string>()
    expectTypeOf<CreatedSession['status']>().toEqualTypeOf<SessionStatus>()
    expectTypeOf(manager.validate).parameter(0).toEqualTypeOf<string | null | undefined>()
    expectTypeOf(manager.validate(undefined)).toEqualTypeOf<Promise<ValidateResult>>()
    expectTypeOf(manager.refresh(null)).toEqualTypeOf<Promise<ValidateResult>>()
    expectTypeOf(manager.findDrift()).toEqualTypeOf<Promise<DriftReport>>()
    expectTypeOf(manager.revokeSubject('u1')).toEqualTypeOf<Promise<number>>()
    expectTypeOf(manager.forgetSubject('u1')).toEqualTypeOf<Promise<number>>()
    expectTypeOf(manager.list('u1')).toEqualTypeOf<Promise<SessionInfo[]>>()
    expectTypeOf(manager.close()).toEqualTypeOf<Promise<void>>()
    expectTypeOf(manager.watch).returns.toEqualTypeOf<() => void>()
  })

  it('answers validate with a result discriminated by ok', () => {
    expectTypeOf<ValidateResult>().toEqualTypeOf<SessionAcceptance | SessionRejection>()
    const narrow = (result: ValidateResult) => {
      if (result.ok) {
        expectTypeOf(result).toEqualTypeOf<SessionAcceptance>()
        expectTypeOf(result.session).toEqualTypeOf<SessionInfo>()
        expectTypeOf(result.token).toEqualTypeOf<string | undefined>()
      } else {
        expectTypeOf(result).toEqualTypeOf<SessionRejection>()
        expectTypeOf(result.httpStatus).toEqualTypeOf<401 | 503>()
        expectTypeOf(result.wwwAuthenticate).toEqualTypeOf<string | undefined>()
      }
    }
    expectTypeOf(narrow).toBeFunction()
  })

  it('states why a request was refused as a closed union', () => {
    expectTypeOf<SessionRejection['reason']>().toEqualTypeOf<
      ExpiryReason | 'missing' | 'store_unavailable' | 'auth_too_old'
    >()
    expectTypeOf<SessionError>().toExtend<SessionRejection['body']>()
    expectTypeOf<
      Extract<SessionRejection['body'], { error: 'store_unavailable' }>['reason']
    >().toEqualTypeOf<'store_unavailable'>()
    expectTypeOf<RevokeReason>().toEqualTypeOf<
      'revoked' | 'logout' | 'reuse_detected' | 'policy_changed' | 'idp_logout' | 'idp_session_ended'
    >()
    // @ts-expect-error: idle is a deadline, not a reason to revoke
    void manager.revoke('token', 'idle')
    expectTypeOf<StoreEndReason>().toExtend<ExpiryReason>()
    expectTypeOf<'unknown'>().not.toExtend<StoreEndReason>()
    expectTypeOf<ExpiryReason>().toExtend<AuditReason>()
    expectTypeOf<DriftReason>().toEqualTypeOf<
      'fingerprint' | 'unknown_policy' | 'over_idle' | 'over_absolute'
    >()
  })

  it('states token failures as closed unions, each widening the access-token one', () => {
    expectTypeOf<TokenFailure['reason']>().toEqualTypeOf<AccessTokenFailureReason>()
    expectTypeOf<AccessTokenFailureReason>().toExtend<IdTokenFailureReason>()
    expectTypeOf<AccessTokenFailureReason>().toExtend<LogoutTokenFailureReason>()
    expectTypeOf<'nonce_mismatch'>().toExtend<IdTokenFailureReason>()
    expectTypeOf<'replayed'>().toExtend<LogoutTokenFailureReason>()
    expectTypeOf<'replayed'>().not.toExtend<AccessTokenFailureReason>()
  })

  it('throws CurfewError with a closed code, narrowed by isCurfewError', () => {
    expectTypeOf<CurfewError['code']>().toEqualTypeOf<CurfewErrorCode>()
    expectTypeOf<'invalid_option' | 'store_unavailable' | 'compliance_failed'>().toExtend<CurfewErrorCode>()
    const caught: unknown = new CurfewError({ code: 'invalid_option', message: 'x' })
    if (isCurfewError(caught, 'invalid_option')) expectTypeOf(caught).toEqualTypeOf<CurfewError>()
    // @ts-expect-error: codes are a closed union
    new CurfewError({ code: 'oops', message: 'x' })
  })
})
