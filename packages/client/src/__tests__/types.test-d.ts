import { describe, expectTypeOf, it } from 'vitest'
import {
  createSessionClient,
  DEFAULT_ACTIVITY_EVENTS,
  type SessionClient,
  type SessionClientOptions,
  type SessionSnapshot,
  type SnapshotReason,
  type TimerProvider,
} from '../index'

describe('public types of @curfew/client', () => {
  it('creates a client from optional options', () => {
    expectTypeOf(createSessionClient).parameter(0).toEqualTypeOf<SessionClientOptions | undefined>()
    expectTypeOf(createSessionClient()).toEqualTypeOf<SessionClient>()
    expectTypeOf(DEFAULT_ACTIVITY_EVENTS).toEqualTypeOf<readonly string[]>()
  })

  it('takes durations as milliseconds or strings, and callbacks with the snapshot', () => {
    expectTypeOf<SessionClientOptions['warnBefore']>().toEqualTypeOf<number | string | undefined>()
    expectTypeOf<SessionClientOptions['onExpired']>().toEqualTypeOf<
      ((snapshot: SessionSnapshot) => void) | undefined
    >()
    expectTypeOf<SessionClientOptions['timers']>().toEqualTypeOf<TimerProvider | undefined>()
    // @ts-expect-error: an unknown option is a typo
    createSessionClient({ endpiont: '/session' })
  })

  it('fits useSyncExternalStore: getSnapshot and subscribe', () => {
    const client = createSessionClient()
    expectTypeOf(client.getSnapshot).toEqualTypeOf<() => SessionSnapshot>()
    expectTypeOf(client.subscribe).toEqualTypeOf<(listener: () => void) => () => void>()
    expectTypeOf(client.subscribeCountdown).toEqualTypeOf<(listener: () => void) => () => void>()
  })

  it('resolves actions with the snapshot, and hands app responses back with their own type', () => {
    const client = createSessionClient()
    expectTypeOf(client.staySignedIn()).toEqualTypeOf<Promise<SessionSnapshot>>()
    expectTypeOf(client.refreshStatus()).toEqualTypeOf<Promise<SessionSnapshot>>()
    expectTypeOf(client.logout()).toEqualTypeOf<Promise<void>>()
    expectTypeOf(client.stop()).toEqualTypeOf<Promise<void>>()
    class AppResponse extends Response {
      tag = 'app'
    }
    expectTypeOf(client.handleResponse(new AppResponse())).toEqualTypeOf<AppResponse>()
    expectTypeOf(client.fetch).toEqualTypeOf<typeof fetch>()
  })

  it('states the snapshot as readonly fields with closed unions', () => {
    expectTypeOf<SessionSnapshot['status']>().toEqualTypeOf<'unknown' | 'active' | 'warning' | 'expired'>()
    expectTypeOf<SessionSnapshot['expiresBy']>().toEqualTypeOf<'idle' | 'absolute' | null>()
    expectTypeOf<SessionSnapshot['remainingMs']>().toEqualTypeOf<number | null>()
    expectTypeOf<SessionSnapshot['reason']>().toEqualTypeOf<SnapshotReason | null>()
    expectTypeOf<'switched'>().toExtend<SnapshotReason>()
    expectTypeOf<'idle'>().toExtend<SnapshotReason>()
    const snapshot = createSessionClient().getSnapshot()
    // @ts-expect-error: snapshots are immutable
    snapshot.status = 'active'
  })
})
