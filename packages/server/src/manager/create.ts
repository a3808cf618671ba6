import { CurfewError } from '@curfew/core'
import { generateHandle, generateToken, hashToken } from '../crypto/token'
import type { SessionStore, StoredSession } from '../stores/types'
import type { CreatedSession, CreateSessionInput } from '../types'
import { type auditWith, sessionFields } from './auditEvents'
import { checkCreateInput } from './createInput'
import type { PolicySet } from './policies'
import { sessionInfo, sessionStatus } from './responses'
import type { StoreClock } from './storeClock'
import type { StoreGuard } from './storeGuard'

/** What creating a session needs from the manager. */
export interface CreateDependencies {
  store: SessionStore
  policies: PolicySet
  guard: StoreGuard
  clock: StoreClock
  tombstoneTtl: number
  audit: ReturnType<typeof auditWith>
  auditActivity: boolean
}

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/**
 * `manager.create`: checks the input, stamps the session with the store's time, anchors the absolute
 * deadline at `authTime` (never in the future, never already past) and caps it at `notAfter` when given,
 * writes it and audits it.
 *
 * @example
 * const create = createSessionCreator({ store, policies, guard, clock, tombstoneTtl, audit, auditActivity })
 * const { token, status } = await create({ subject: 'user-42' })
 */
export function createSessionCreator(
  deps: CreateDependencies,
): (input: CreateSessionInput) => Promise<CreatedSession> {
  const { store, policies, guard, clock, tombstoneTtl, audit, auditActivity } = deps
  return async (input) => {
    const policy = checkCreateInput(input, policies)
    const { subject } = input
    const time = await clock.read(guard)
    // An identity provider's auth_time may run slightly ahead of our clock; never in the future.
    const authTime = Math.min(input.authTime ?? time, time)
    if (!Number.isFinite(authTime)) invalid('"authTime" must be epoch milliseconds.')
    if (time >= authTime + policy.absoluteTimeout) {
      invalid('"authTime" is older than the policy\'s absoluteTimeout; ask the user to sign in again.')
    }
    const { notAfter } = input
    if (notAfter !== undefined) {
      if (typeof notAfter !== 'number' || !Number.isFinite(notAfter)) {
        invalid('"notAfter" must be epoch milliseconds.')
      }
      if (time >= notAfter) invalid('"notAfter" has already passed; the session would end at once.')
    }
    // The handle carries the subject's tag and rides in the token, so a store finds the session (and
    // every other session of the subject) from the token alone: one key, one slot on Redis Cluster.
    const handle = generateHandle({ subject })
    const token = generateToken({ handle })
    const session: StoredSession = {
      handle,
      subject,
      policy: policy.name,
      fingerprint: policy.fingerprint,
      authTime,
      createdAt: time,
      lastActivityAt: time,
      renewedAt: time,
      ...(notAfter === undefined ? {} : { notAfter }),
      ...(input.data === undefined ? {} : { data: input.data }),
    }
    const id = hashToken(token)
    await guard(
      () => store.create({ id, session, limits: policies.limits[policy.name]!, tombstoneTtl, now: time }),
      { id },
    )
    audit({
      type: 'session.created',
      time,
      ...sessionFields(session, policies.byName),
      authTime,
      ...(notAfter === undefined ? {} : { notAfter }),
      ...(auditActivity ? { evidence: true } : {}),
      meta: input.meta,
    })
    return { token, session: sessionInfo(session), status: sessionStatus({ session, policy, now: time }) }
  }
}
