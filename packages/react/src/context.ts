import type { SessionClient } from '@curfew/client'
import { createContext, useContext } from './react'

/**
 * Holds a getter rather than the client: React may render a provider twice and throw one render away
 * (StrictMode, interrupted concurrent renders). Only the kept render's getter is ever called by
 * children and effects, so a provider creates exactly one client.
 */
export const ClientContext = createContext<(() => SessionClient) | null>(null)

/**
 * The `SessionClient` of the nearest {@link SessionTimeoutProvider}, for calls the hooks do not cover
 * (`client.fetch`, `client.handleResponse`, `client.refreshStatus`).
 *
 * @example
 * const client = useSessionClient()
 * const orders = await client.fetch('/api/orders').then((r) => r.json())
 */
export function useSessionClient(): SessionClient {
  const get = useContext(ClientContext)
  if (!get) {
    throw new Error('Curfew: wrap this component in a <SessionTimeoutProvider>.')
  }
  return get()
}
