import type { ExpiryReason } from '@curfew/core'
import type { SessionInfo } from '../types'

/** Why and which session ended, as a watch reports it. */
export interface SessionEnd {
  /** Non-secret handle of the session that ended. */
  session: string
  /**
   * `idle` / `absolute` at a deadline, the revoke reason (`revoked`, `logout`, `reuse_detected`,
   * `policy_changed`, `idp_logout`, …) when it was ended on purpose, `unknown` when the store no longer
   * knows a session whose deadline had not passed (e.g. ended while the fleet channel was down).
   */
  reason: ExpiryReason
}

/** Called once when a watched session ends. */
export type SessionEndListener = (end: SessionEnd) => void

/** Options of `manager.watch`. */
export interface WatchOptions {
  /**
   * The kind of connection the watch guards (`'websocket'`, `'socket.io'`, `'sse'`, …). When given,
   * the manager audits the cut-off as one `connection.closed` event with this transport, so a log
   * alone shows that the connection ended with the session.
   */
  transport?: string
}

/** What a watch needs to know about a session: what `validate` returns as `session`. */
export type WatchedSession = Pick<
  SessionInfo,
  'handle' | 'subject' | 'policy' | 'authTime' | 'lastActivityAt' | 'notAfter'
>

/** One fleet-wide notice: this session has ended, for this reason. */
export interface EndNotice {
  session: string
  reason: ExpiryReason
}

/** What a channel subscriber is told. */
export interface EndNoticeListener {
  onNotice(notice: EndNotice): void
  /**
   * The subscription is (again) in force. Notices sent while it was not were lost, so the watcher
   * re-checks every watched session with the store.
   */
  onReady(): void
}

/**
 * The fleet channel of session ends. `RedisStore` provides one over Redis pub/sub (`store.endNotices()`);
 * stores without one get an in-process channel shared by every manager on the same store object.
 */
export interface EndNoticeChannel {
  /** Tells every subscriber (this process included). Never rejects. */
  publish(notice: EndNotice): Promise<void>
  /** Subscribes once; resolves the function that unsubscribes. */
  subscribe(listener: EndNoticeListener): () => Promise<void>
}
