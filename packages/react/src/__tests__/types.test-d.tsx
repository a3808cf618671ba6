import type { SessionClient, SessionSnapshot } from '@curfew/client'
import type { ReactNode } from 'react'
import { describe, expectTypeOf, it } from 'vitest'
import {
  announcementSeconds,
  SessionTimeoutDialog,
  type SessionTimeoutDialogKind,
  type SessionTimeoutDialogProps,
  type SessionTimeoutDialogState,
  type SessionTimeoutMessages,
  SessionTimeoutProvider,
  type SessionTimeoutProviderProps,
  type SessionTimeoutState,
  useSessionClient,
  useSessionCountdown,
  useSessionTimeout,
} from '../index'

declare const client: SessionClient

describe('public types of @curfew/react', () => {
  it('takes a client or the options to create one, never both', () => {
    expectTypeOf<{ client: SessionClient }>().toExtend<SessionTimeoutProviderProps>()
    expectTypeOf<{ options: { endpoint: string } }>().toExtend<SessionTimeoutProviderProps>()
    expectTypeOf<{
      client: SessionClient
      options: { endpoint: string }
    }>().not.toExtend<SessionTimeoutProviderProps>()
    // @ts-expect-error: a client and options at once
    ;<SessionTimeoutProvider client={client} options={{}} />
  })

  it('gives hooks the snapshot and its actions, the countdown in whole seconds, and the client', () => {
    expectTypeOf(useSessionTimeout).returns.toEqualTypeOf<SessionTimeoutState>()
    expectTypeOf<SessionTimeoutState>().toExtend<SessionSnapshot>()
    expectTypeOf<SessionTimeoutState['staySignedIn']>().toEqualTypeOf<() => Promise<SessionSnapshot>>()
    expectTypeOf<SessionTimeoutState['logout']>().toEqualTypeOf<() => Promise<void>>()
    expectTypeOf(useSessionCountdown).returns.toEqualTypeOf<number | null>()
    expectTypeOf(useSessionClient).returns.toEqualTypeOf<SessionClient>()
    expectTypeOf(announcementSeconds).toEqualTypeOf<(seconds: number) => number>()
  })

  it('lets the dialog be reworded in part, or replaced by a render function', () => {
    expectTypeOf<SessionTimeoutDialogProps['messages']>().toEqualTypeOf<
      Partial<SessionTimeoutMessages> | undefined
    >()
    expectTypeOf<SessionTimeoutMessages['body']>().toEqualTypeOf<(time: string) => string>()
    expectTypeOf<SessionTimeoutDialogProps['children']>().toEqualTypeOf<
      ((state: SessionTimeoutDialogState) => ReactNode) | undefined
    >()
    expectTypeOf<SessionTimeoutDialogState['kind']>().toEqualTypeOf<SessionTimeoutDialogKind>()
    expectTypeOf<SessionTimeoutDialogKind>().toEqualTypeOf<'idle' | 'absolute' | 'expired'>()
    expectTypeOf(SessionTimeoutDialog).returns.toEqualTypeOf<ReactNode>()
    ;<SessionTimeoutDialog messages={{ stay: 'Keep me signed in' }}>
      {(state) => state.seconds}
    </SessionTimeoutDialog>
    // @ts-expect-error: a message that does not exist
    ;<SessionTimeoutDialog messages={{ stai: 'typo' }} />
  })
})
