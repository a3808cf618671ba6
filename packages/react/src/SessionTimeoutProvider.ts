import type { SessionClient, SessionClientOptions } from '@curfew/client'
import type { ReactElement, ReactNode } from 'react'
import { ClientContext } from './context'
import { createElement, useEffect, useMemo, useState } from './react'
import { createSessionClient } from './sdk'

const mounts = new WeakMap<SessionClient, number>()

/** Props of {@link SessionTimeoutProvider}: pass a client you created, or the options to create one. */
export type SessionTimeoutProviderProps = { children?: ReactNode } & (
  | { client: SessionClient; options?: undefined }
  | { client?: undefined; options?: SessionClientOptions }
)

/**
 * Makes a session client available to the hooks and the dialog below it. Starts the client when
 * mounted and stops it when the last provider using it unmounts (StrictMode's instant unmount/remount
 * does not stop it). Given `options`,
 * it creates exactly one client for its lifetime; later changes to `options` are ignored.
 *
 * @example
 * <SessionTimeoutProvider options={{ endpoint: '/session' }}>
 *   <App />
 *   <SessionTimeoutDialog signInHref="/login" />
 * </SessionTimeoutProvider>
 */
export function SessionTimeoutProvider(props: SessionTimeoutProviderProps): ReactElement {
  const { client } = props
  const [owned] = useState(() => {
    let created: SessionClient | undefined
    // Lazy: a render React throws away never calls this, so it never creates a stray client.
    return () => (created ??= createSessionClient(props.options))
  })
  const get = useMemo(() => (client ? () => client : owned), [client, owned])

  useEffect(() => {
    const current = get()
    mounts.set(current, (mounts.get(current) ?? 0) + 1)
    current.start()
    return () => {
      mounts.set(current, mounts.get(current)! - 1)
      // Stop a moment later, and only if no provider uses the client any more: StrictMode unmounts and
      // remounts at once (tearing down and rejoining the tab group for that would be churn), and
      // several providers may share one client.
      queueMicrotask(() => mounts.get(current) || void current.stop())
    }
  }, [get])

  return createElement(ClientContext.Provider, { value: get }, props.children)
}
