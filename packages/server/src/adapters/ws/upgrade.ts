import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { resolveHttpOptions } from '../../http'
import type { SessionManager } from '../../types'
import { createSocketActivity } from '../../watch/socketActivity'
import { authenticateNodeRequest, type ConnectionSession, type UpgradeOptions } from './authenticate'
import { closeAtSessionEnd } from './close'
import { rejectUpgrade } from './reject'

/** What the session helpers need of a `ws` WebSocket. */
export interface WebSocketLike {
  close(code?: number, reason?: string): void
  once(event: 'close', listener: () => void): unknown
  on(event: 'message', listener: () => void): unknown
}

/** What {@link sessionUpgrade} needs of a `ws` `WebSocketServer` created with `{ noServer: true }`. */
export interface WebSocketServerLike<Socket extends WebSocketLike> {
  handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (socket: Socket, request: IncomingMessage) => void,
  ): void
  emit(event: 'connection', socket: Socket, request: IncomingMessage): boolean
}

/** The session of an open connection, as {@link connectionSession} returns it. */
export interface ConnectionState extends Omit<ConnectionSession, 'token'> {
  /**
   * Counts one user action as activity (throttled like HTTP activity: at most one store call per
   * `touchInterval`). Call it for messages that mean a person did something; feed traffic must not.
   */
  activity(): void
}

const states = new WeakMap<IncomingMessage, ConnectionState>()

/** The session a handshake request was accepted with, or `undefined` (not authenticated by Curfew). */
export function connectionSession(request: IncomingMessage): ConnectionState | undefined {
  return states.get(request)
}

/** Options of {@link watchWebSocket}. */
export interface WatchWebSocketOptions extends MessageActivityOption {
  socket: WebSocketLike
  /** The handshake request, authenticated by {@link fastifyUpgradeGuard} or {@link sessionUpgrade}. */
  request: IncomingMessage
}

/** Whether messages count as activity. */
export interface MessageActivityOption {
  /**
   * Count every message the client sends as activity (throttled). Default `false`: a socket's traffic
   * never keeps an absent user signed in; call `connectionSession(req).activity()` for real actions.
   */
  messagesAreActivity?: boolean
}

/**
 * Closes a `ws` WebSocket with 4401 and the end reason when the session it was opened with ends, and
 * stops watching when it closes. For `@fastify/websocket` handlers (after {@link fastifyUpgradeGuard})
 * and for upgrades you authenticated with `authenticateUpgrade`.
 *
 * @example
 * fastify.get('/live', { websocket: true, preValidation: fastifyUpgradeGuard(manager) }, (socket, req) => {
 *   watchWebSocket(manager, { socket, request: req.raw })
 * })
 */
export function watchWebSocket(manager: SessionManager, options: WatchWebSocketOptions): void {
  const { socket, request } = options
  const state = states.get(request)
  if (!state) {
    // Not authenticated by Curfew: the safe answer is no connection.
    socket.close(1008, 'no_session')
    return
  }
  const stop = closeAtSessionEnd(manager, {
    session: state.session,
    close: (code, reason) => socket.close(code, reason),
  })
  socket.once('close', stop)
  if (options.messagesAreActivity) socket.on('message', () => state.activity())
}

/** Remembers an accepted handshake for {@link connectionSession} and {@link watchWebSocket}. */
export function rememberConnection(
  manager: SessionManager,
  request: IncomingMessage,
  accepted: ConnectionSession,
): ConnectionState {
  const { token, ...rest } = accepted
  const state: ConnectionState = {
    ...rest,
    activity: createSocketActivity(manager, { token, policy: accepted.session.policy }),
  }
  states.set(request, state)
  return state
}

/** Options of {@link sessionUpgrade}. */
export interface SessionUpgradeOptions<Socket extends WebSocketLike>
  extends UpgradeOptions,
    MessageActivityOption {
  /** A `ws` `WebSocketServer({ noServer: true })`; accepted sockets reach its `connection` event. */
  wss: WebSocketServerLike<Socket>
  /** Only upgrades to this path (query ignored) are handled; others are left to other listeners. */
  path?: string
}

/**
 * The `upgrade` listener for Node's `http` server (Express included: `app.listen()` returns one) with
 * the `ws` package: authenticates the handshake (cookie or bearer, origin check) and answers 401/403
 * with no upgrade on failure; otherwise upgrades, closes the socket with 4401 and the reason when the
 * session ends, and emits `connection` on `wss` with the request (`connectionSession(req)` holds the
 * session).
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true })
 * wss.on('connection', (ws, req) => ws.send(`hello ${connectionSession(req)?.session.subject}`))
 * server.on('upgrade', sessionUpgrade(manager, { wss, path: '/api/live' }))
 */
export function sessionUpgrade<Socket extends WebSocketLike>(
  manager: SessionManager,
  options: SessionUpgradeOptions<Socket>,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { wss, path, messagesAreActivity, ...httpOptions } = options
  const resolved = resolveHttpOptions(httpOptions)
  return (request, socket, head) => {
    if (path !== undefined && (request.url ?? '/').split('?')[0] !== path) return
    // An error on the raw socket before the upgrade must not crash the process.
    socket.on('error', () => socket.destroy())
    void authenticateNodeRequest(manager, request, resolved).then((auth) => {
      if (!auth.ok) {
        rejectUpgrade(socket, auth.reply)
        return
      }
      rememberConnection(manager, request, auth)
      wss.handleUpgrade(request, socket, head, (ws) => {
        watchWebSocket(manager, { socket: ws, request, messagesAreActivity: messagesAreActivity === true })
        wss.emit('connection', ws, request)
      })
    })
  }
}
