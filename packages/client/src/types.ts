import type { ExpiryReason, SessionError, SessionStatus } from '@curfew/core'

/**
 * Why the session is over: an {@link ExpiryReason}, what a 401 said (`'missing'`: no session at all,
 * `'auth_too_old'`), or `'switched'` when another user signed in in another tab.
 */
export type SnapshotReason = SessionError['reason'] | 'switched'

/**
 * The public contract of `@curfew/client`, shared with `@curfew/react`. The snapshot is immutable and
 * keeps its identity until something a user could see changes, so it fits `useSyncExternalStore`.
 *
 * @example
 * const { status, remainingMs, canExtend } = client.getSnapshot()
 * if (status === 'warning') showDialog({ seconds: Math.ceil((remainingMs ?? 0) / 1000), canExtend })
 */
export interface SessionSnapshot {
  readonly status: 'unknown' | 'active' | 'warning' | 'expired'
  /** Deadline in the server's clock (epoch ms), or `null` before the first answer. */
  readonly expiresAt: number | null
  /** Milliseconds left, computed from the deadline and the corrected clock when the snapshot was made. */
  readonly remainingMs: number | null
  readonly expiresBy: 'idle' | 'absolute' | null
  /**
   * Why the session ended. `'switched'` means another user signed in in another tab: this tab's
   * session is over and the app should reload rather than show one user's page with another's session.
   */
  readonly reason: SnapshotReason | null
  /** False when the absolute deadline rules: "stay signed in" cannot help. */
  readonly canExtend: boolean
  /** Whether this tab is the one talking to the server. */
  readonly isLeader: boolean
  /** Subject of the session, when known. */
  readonly subject: string | null
  /** Non-secret handle of the session, when known. */
  readonly session: string | null
  readonly idleExpiresAt: number | null
  readonly absoluteExpiresAt: number | null
  /** How long before the deadline the warning starts (ms). */
  readonly warnBefore: number
}

/**
 * Timers the client schedules with (default: the global ones, looked up on each call).
 *
 * @example
 * createSessionClient({ timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout } })
 */
export interface TimerProvider {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(id: unknown): void
}

/**
 * Options of `createSessionClient`; every one has a default.
 *
 * @example
 * createSessionClient({ endpoint: '/auth/session', warnBefore: '2m', onExpired: () => location.reload() })
 */
export interface SessionClientOptions {
  /** Base path of the session routes. Default `'/session'`. */
  endpoint?: string
  /** Overrides the server policy's `warnBefore` (ms or duration string). */
  warnBefore?: number | string
  /** DOM events that count as activity. */
  activityEvents?: readonly string[]
  /** Minimum gap between two handled activity events (ms). */
  activityThrottle?: number
  /** Minimum gap between two activity reports to the server (ms). Default: a fraction of the idle timeout. */
  reportInterval?: number
  /** Let activity during the warning extend the session silently. Default `false`. */
  extendOnActivityDuringWarning?: boolean
  /** Coordinate tabs through broadcast-channel. Default `true`. */
  crossTab?: boolean
  channelName?: string
  fetch?: typeof fetch
  /** `credentials` of the SDK's own requests. Default `'same-origin'`. */
  credentials?: RequestCredentials
  /** Abort one SDK request after this many ms (it is then retried with backoff). Default 10 s. */
  requestTimeout?: number
  /** Local clock (epoch ms). Default `Date.now`. */
  now?: () => number
  timers?: TimerProvider
  onWarning?: (snapshot: SessionSnapshot) => void
  onExpired?: (snapshot: SessionSnapshot) => void
  onExtended?: (snapshot: SessionSnapshot) => void
  /** Another session appeared (a new login, possibly of another user: then `reason` is `'switched'`). */
  onSessionChange?: (snapshot: SessionSnapshot) => void
}

/**
 * What `createSessionClient` returns.
 *
 * @example
 * const client = createSessionClient()
 * client.start()
 * const stop = client.subscribe(() => console.log(client.getSnapshot().status))
 */
export interface SessionClient {
  /** Attaches listeners, joins the tab group and checks the session. Idempotent. */
  start(): void
  /** Removes every timer and listener and leaves the tab group. */
  stop(): Promise<void>
  getSnapshot(): SessionSnapshot
  /**
   * Calls `listener` when the snapshot changes in anything but `remainingMs`: a component that shows
   * the status does not re-render once a second while a countdown is shown elsewhere.
   */
  subscribe(listener: () => void): () => void
  /**
   * Like `subscribe`, and while at least one such listener exists the snapshot's `remainingMs` is
   * refreshed on every whole second of the countdown (one timer to the next second, no tick counting);
   * these listeners hear those changes too.
   */
  subscribeCountdown(listener: () => void): () => void
  /** "Stay signed in": `POST /session/refresh`, single-flight across tabs. */
  staySignedIn(): Promise<SessionSnapshot>
  /** Ends the session at the server and in every tab. */
  logout(): Promise<void>
  /** A passive status check (`GET /session`). */
  refreshStatus(): Promise<SessionSnapshot>
  /** Reads `Curfew-Session` and 401 `session_expired` from any app response. Returns the response. */
  handleResponse<R extends Response>(response: R): R
  /** `fetch` that passes every response through `handleResponse`. */
  fetch: typeof fetch
  /**
   * Reads a WebSocket's close event: code 4401 is `@curfew/server` ending the socket with the session
   * (the reason says why: `idle`, `absolute`, `revoked`, `logout`, `idp_logout`, …), which ends the
   * session in every tab like a 401 `session_expired`. Returns whether it was such a close; any other
   * close is left to the app (reconnect, say).
   *
   * @example
   * socket.addEventListener('close', (event) => {
   *   if (!client.handleClose(event)) reconnectLater()
   * })
   */
  handleClose(event: { code: number; reason: string }): boolean
  /**
   * The server's end notice on a stream that is not a WebSocket: a server-sent `curfew-expired` event or
   * a Socket.IO `curfew:expired` event, with the end reason (the `reason` word of the event's payload,
   * not the payload itself). Ends the session in every tab like a 401 `session_expired`.
   *
   * @example
   * new EventSource('/api/feed').addEventListener('curfew-expired', (e) =>
   *   client.handleExpired(JSON.parse(e.data).reason),
   * )
   * socket.on('curfew:expired', ({ reason }) => client.handleExpired(reason))
   */
  handleExpired(reason?: string): void
}

export type { SessionStatus }
