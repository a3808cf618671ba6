import type { IncomingMessage } from 'node:http'
import type { SessionStatus } from '@curfew/core'
import { type CurfewHttpOptions, resolveHttpOptions } from '../../http'
import type { SessionInfo, SessionManager } from '../../types'
import { createSocketActivity } from '../../watch/socketActivity'
import { authenticateNodeRequest } from '../ws/authenticate'

/** Event emitted to the client, with `{ reason }`, right before the server disconnects it. */
export const EXPIRED_EVENT = 'curfew:expired'

/** What the middleware needs of a Socket.IO server-side socket (no `socket.io` import). */
export interface SocketIoSocketLike {
  request: IncomingMessage
  handshake: { auth?: Record<string, unknown> }
  data: unknown
  emit(event: string, ...args: unknown[]): unknown
  disconnect(close?: boolean): unknown
  on(event: 'disconnect', listener: () => void): unknown
  onAny?(listener: (...args: unknown[]) => void): unknown
}

/** What the middleware puts in `socket.data.curfew`. */
export interface SocketSession {
  session: SessionInfo
  status: SessionStatus
  /** Counts one user action as activity (throttled like HTTP activity). */
  activity(): void
}

/** Options of {@link socketSessionMiddleware}. */
export interface SocketSessionOptions extends CurfewHttpOptions {
  /**
   * Count every event the client sends as activity (throttled). Default `false`: a socket's traffic
   * never keeps an absent user signed in; call `socket.data.curfew.activity()` for real user actions.
   */
  messagesAreActivity?: boolean
}

/** The `connect_error` a refused client receives: `message` is the error code, `data` the 401 body. */
export type SocketSessionError = Error & { data: unknown }

/**
 * Socket.IO middleware (`io.use(...)`): authenticates the handshake — the session cookie, or a token in
 * `auth: { token }` / `Authorization: Bearer` — refusing it with a `connect_error` whose `message` is
 * the error code (`session_expired`, `no_session`, `csrf`, …) and `data` the JSON body. An accepted
 * socket gets `socket.data.curfew` and, when its session ends (deadline, or a revoke on any server), a
 * `curfew:expired` event with `{ reason }`, then `socket.disconnect(true)`.
 *
 * @example
 * io.use(socketSessionMiddleware(manager))
 * io.on('connection', (socket) => socket.emit('hello', socket.data.curfew.session.subject))
 */
export function socketSessionMiddleware(
  manager: SessionManager,
  options: SocketSessionOptions = {},
): (socket: SocketIoSocketLike, next: (error?: Error) => void) => void {
  const { messagesAreActivity, ...httpOptions } = options
  const resolved = resolveHttpOptions(httpOptions)
  return (socket, next) => {
    const token = socket.handshake.auth?.token
    // A token given in `auth` is a bearer: no ambient credential, so no origin check applies to it.
    const request =
      typeof token === 'string'
        ? ({
            method: socket.request.method,
            url: socket.request.url,
            socket: socket.request.socket,
            headers: { ...socket.request.headers, authorization: `Bearer ${token}` },
          } as IncomingMessage)
        : socket.request
    authenticateNodeRequest(manager, request, resolved).then(
      (auth) => {
        if (!auth.ok) {
          const body = auth.reply.body as { error?: string }
          next(Object.assign(new Error(body.error ?? 'session_expired'), { data: body }))
          return
        }
        const activity = createSocketActivity(manager, { token: auth.token, policy: auth.session.policy })
        const state: SocketSession = { session: auth.session, status: auth.status, activity }
        const data = (socket.data ?? {}) as Record<string, unknown>
        data.curfew = state
        socket.data = data
        const stop = manager.watch(
          auth.session,
          ({ reason }) => {
            socket.emit(EXPIRED_EVENT, { reason })
            socket.disconnect(true)
          },
          { transport: 'socket.io' },
        )
        socket.on('disconnect', stop)
        if (messagesAreActivity) socket.onAny?.(() => activity())
        next()
      },
      () => next(Object.assign(new Error('store_unavailable'), { data: { error: 'store_unavailable' } })),
    )
  }
}
