import { CurfewError, type ExpiryReason } from '@curfew/core'
import type { AuditEvent } from '../audit/events'
import { judgeLimits } from '../stores/judge'
import { DeadlineHeap } from '../stores/memory/heap'
import type { StoredSession, StoreLimits } from '../stores/types'
import type { EndNoticeChannel, SessionEndListener, WatchedSession, WatchOptions } from './types'

// setTimeout fires at once for delays above 2^31-1 ms; a far deadline is approached in steps instead.
const MAX_TIMER_DELAY = 2 ** 31 - 1
// Store reads in flight at once during a re-check of every watch (after the channel reconnects).
const RECHECK_CONCURRENCY = 64
const DEFAULT_RETRY_DELAY = 1000
// Ends heard of lately, for a watch made after its session ended: a revoke that lands between a
// handshake's validate and its watch() (the upgrade in between, on any server) is not missed until
// the deadline. Every session end is final (a renewal is never one), so remembering a handle is safe.
const RECENT_ENDS_MAX = 10_000
const RECENT_ENDS_MS = 60_000

interface Watch {
  readonly id: string
  readonly handle: string
  readonly subject: string
  readonly policy: string
  readonly onEnd: SessionEndListener
  /** The kind of connection this watch guards (`websocket`, `sse`, …): its cut-off is audited. */
  readonly transport: string | undefined
  authTime: number
  lastActivityAt: number
  notAfter: number | undefined
  /** When the session ends if nothing moves it (manager clock). */
  due: number
  /** The deadline of this watch's entry in the heap; `Infinity` when it has none. */
  queuedAt: number
}

/** Options of {@link createWatchHub}. */
export interface WatchHubOptions {
  /** Limits of every tier in force now (the current policy rules, as for every check). */
  limits: Readonly<Record<string, StoreLimits>>
  /** The manager's clock (the store's, corrected). */
  now: () => number
  /** A passive read of a subject's live records (never activity, never renewal). */
  readSessions(subject: string): Promise<{ now: number; sessions: readonly StoredSession[] }>
  channel: EndNoticeChannel
  /** Told of every cut-off of a watch that named its transport, after its listener ran (audit). */
  onCutOff?(cutOff: { session: WatchedSession; reason: ExpiryReason; transport: string; time: number }): void
  /** Wait before retrying a re-check that failed because the store was down. Default 1000 ms. */
  retryDelay?: number
}

/** The manager's watches; see `manager.watch`. */
export interface WatchHub {
  watch(session: WatchedSession, onEnd: SessionEndListener, options?: WatchOptions): () => void
  /** Audit sink: every session end the manager audits (any revoke path, any expiry) ends its watches. */
  sink(event: AuditEvent): void
  /** Watches in force. */
  readonly size: number
  close(): Promise<void>
}

/**
 * Every watched session of one manager, on ONE timer: a min-heap of deadlines and a single
 * `setTimeout` armed for the earliest, so 10,000 idle sockets cost one timer and no polling. A deadline
 * is only a prediction — activity elsewhere may have moved it — so when it comes the session is re-read
 * from the store (passively) and either ends or is re-armed. Ends told by the channel (any server of
 * the fleet) or audited here end watches at once.
 */
export function createWatchHub(options: WatchHubOptions): WatchHub {
  const { limits, now, readSessions, channel } = options
  const retryDelay = options.retryDelay ?? DEFAULT_RETRY_DELAY
  const watches = new Map<string, Watch>()
  const byHandle = new Map<string, Set<Watch>>()
  let heap = new DeadlineHeap()
  // Heap entries of watches that are gone or were re-queued: skipped when popped, compacted when many.
  let staleEntries = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerAt = Number.POSITIVE_INFINITY
  let nextId = 0
  let unsubscribe: (() => Promise<void>) | undefined
  let closed = false
  const recentEnds = new Map<string, { reason: ExpiryReason; at: number }>()

  function rememberEnd(handle: string, reason: ExpiryReason): void {
    recentEnds.delete(handle)
    recentEnds.set(handle, { reason, at: now() })
    // A Map iterates in insertion order: the first key is the oldest.
    if (recentEnds.size > RECENT_ENDS_MAX) recentEnds.delete(recentEnds.keys().next().value!)
  }

  function recentEnd(handle: string): ExpiryReason | undefined {
    const ended = recentEnds.get(handle)
    if (ended === undefined) return undefined
    if (now() - ended.at <= RECENT_ENDS_MS) return ended.reason
    recentEnds.delete(handle)
    return undefined
  }

  function arm(): void {
    const earliest = heap.peek()
    if (timer !== undefined && earliest === timerAt) return
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    timerAt = earliest
    if (earliest === Number.POSITIVE_INFINITY || closed) return
    const delay = Math.min(Math.max(earliest - now(), 0), MAX_TIMER_DELAY)
    timer = setTimeout(onTimer, delay)
    // A watch must never keep the process alive on its own.
    timer.unref?.()
  }

  function queue(watch: Watch): void {
    // An entry at or before the deadline is already queued: it is re-queued when it pops early.
    if (watch.queuedAt <= watch.due) return
    if (watch.queuedAt !== Number.POSITIVE_INFINITY) staleEntries++
    watch.queuedAt = watch.due
    heap.push(watch.due, watch.id)
    arm()
  }

  function compact(): void {
    if (staleEntries < 1024 || staleEntries < watches.size) return
    heap = new DeadlineHeap()
    staleEntries = 0
    for (const watch of watches.values()) {
      if (watch.queuedAt !== Number.POSITIVE_INFINITY) heap.push(watch.queuedAt, watch.id)
    }
    arm()
  }

  function remove(watch: Watch): boolean {
    if (!watches.delete(watch.id)) return false
    const set = byHandle.get(watch.handle)
    set?.delete(watch)
    if (set?.size === 0) byHandle.delete(watch.handle)
    if (watch.queuedAt !== Number.POSITIVE_INFINITY) staleEntries++
    watch.queuedAt = Number.POSITIVE_INFINITY
    compact()
    return true
  }

  function end(watch: Watch, reason: ExpiryReason): void {
    if (!remove(watch)) return
    try {
      watch.onEnd({ session: watch.handle, reason })
    } catch {
      // A throwing listener is the application's bug; the other watches must still fire.
    }
    if (watch.transport !== undefined) {
      options.onCutOff?.({ session: watch, reason, transport: watch.transport, time: options.now() })
    }
  }

  function endHandle(handle: string, reason: ExpiryReason): void {
    rememberEnd(handle, reason)
    const set = byHandle.get(handle)
    if (!set) return
    for (const watch of [...set]) end(watch, reason)
  }

  /**
   * Why a session whose record is gone ended: the end heard of lately, else its deadline if that
   * passed, else we cannot tell.
   */
  function lastKnownReason(watch: Watch, time: number): ExpiryReason {
    const heard = recentEnd(watch.handle)
    if (heard !== undefined) return heard
    const tier = limits[watch.policy]
    if (!tier) return 'policy_changed'
    return judgeLimits({ session: watch, limits: tier, now: time }).reason ?? 'unknown'
  }

  function onTimer(): void {
    timer = undefined
    timerAt = Number.POSITIVE_INFINITY
    const time = now()
    const due: Watch[] = []
    while (heap.peek() <= time) {
      const [at, id] = heap.pop()!
      const watch = watches.get(id)
      if (!watch || watch.queuedAt !== at) {
        staleEntries = Math.max(0, staleEntries - 1)
        continue
      }
      watch.queuedAt = Number.POSITIVE_INFINITY
      if (watch.due > time) queue(watch)
      else due.push(watch)
    }
    arm()
    if (due.length > 0) void recheck(due, 'deadline')
  }

  /**
   * Re-reads watched sessions from the store, one read per subject. At a deadline a failed read ends
   * the watch (fail closed: the server is the final cut-off); after a reconnect it is retried, and the
   * watch's own deadline still holds meanwhile.
   */
  async function recheck(list: readonly Watch[], mode: 'deadline' | 'reconnect'): Promise<void> {
    const bySubject = new Map<string, Watch[]>()
    for (const watch of list) {
      const group = bySubject.get(watch.subject)
      if (group) group.push(watch)
      else bySubject.set(watch.subject, [watch])
    }
    const failed: Watch[] = []
    const subjects = [...bySubject.entries()]
    const worker = async () => {
      for (let next = subjects.pop(); next !== undefined; next = subjects.pop()) {
        const [subject, group] = next
        let read: Awaited<ReturnType<typeof readSessions>>
        try {
          read = await readSessions(subject)
        } catch {
          for (const watch of group) {
            if (!watches.has(watch.id)) continue
            if (mode === 'deadline') end(watch, lastKnownReason(watch, now()))
            else failed.push(watch)
          }
          continue
        }
        for (const watch of group) settle(watch, read)
      }
    }
    await Promise.all(Array.from({ length: Math.min(RECHECK_CONCURRENCY, subjects.length) }, worker))
    if (failed.length > 0 && !closed) {
      const retry = setTimeout(() => void recheck(failed, 'reconnect'), retryDelay)
      retry.unref?.()
    }
  }

  function settle(watch: Watch, read: { now: number; sessions: readonly StoredSession[] }): void {
    if (!watches.has(watch.id)) return
    const tier = limits[watch.policy]
    const record = read.sessions.find((session) => session.handle === watch.handle)
    if (!tier || !record) {
      end(watch, tier ? lastKnownReason(watch, read.now) : 'policy_changed')
      return
    }
    watch.authTime = record.authTime
    watch.notAfter = record.notAfter
    watch.lastActivityAt = Math.max(watch.lastActivityAt, record.lastActivityAt)
    const verdict = judgeLimits({ session: watch, limits: tier, now: read.now })
    if (verdict.reason) {
      end(watch, verdict.reason)
      return
    }
    watch.due = verdict.expiresAt
    queue(watch)
  }

  function subscribe(): void {
    if (unsubscribe || closed) return
    unsubscribe = channel.subscribe({
      onNotice: (notice) => endHandle(notice.session, notice.reason),
      onReady: () => {
        if (watches.size > 0) void recheck([...watches.values()], 'reconnect')
      },
    })
  }

  return {
    watch(session, onEnd, watchOptions) {
      if (
        typeof session !== 'object' ||
        session === null ||
        typeof session.handle !== 'string' ||
        typeof session.subject !== 'string' ||
        typeof onEnd !== 'function'
      ) {
        throw new CurfewError({
          code: 'invalid_option',
          message: 'watch(session, onEnd) expects the session of a successful validate() and a function.',
        })
      }
      if (closed) {
        throw new CurfewError({ code: 'invalid_option', message: 'watch() was called on a closed manager.' })
      }
      subscribe()
      const watch: Watch = {
        id: String(nextId++),
        handle: session.handle,
        subject: session.subject,
        policy: session.policy,
        onEnd,
        transport: watchOptions?.transport,
        authTime: session.authTime,
        lastActivityAt: session.lastActivityAt,
        notAfter: session.notAfter,
        due: 0,
        queuedAt: Number.POSITIVE_INFINITY,
      }
      const tier = limits[session.policy]
      // An unknown tier or a deadline already past is settled by the timer (at once): onEnd never runs
      // inside watch() itself, and a past deadline is still confirmed with the store first.
      watch.due = tier ? judgeLimits({ session: watch, limits: tier, now: now() }).expiresAt : 0
      watches.set(watch.id, watch)
      const set = byHandle.get(watch.handle)
      if (set) set.add(watch)
      else byHandle.set(watch.handle, new Set([watch]))
      const endedMeanwhile = recentEnd(watch.handle)
      if (endedMeanwhile === undefined) queue(watch)
      else {
        // Ended after its validate: at once, with the reason it ended for (never inside watch()).
        const ending = setTimeout(() => end(watch, endedMeanwhile), 0)
        ending.unref?.()
      }
      return () => {
        remove(watch)
      }
    },

    sink(event) {
      if (event.type !== 'session.revoked' && event.type !== 'session.expired') return
      if (event.session === undefined || event.reason === undefined) return
      const notice = { session: event.session, reason: event.reason as ExpiryReason }
      endHandle(notice.session, notice.reason)
      void channel.publish(notice)
    },

    get size() {
      return watches.size
    },

    async close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      watches.clear()
      byHandle.clear()
      heap = new DeadlineHeap()
      recentEnds.clear()
      await unsubscribe?.()
    },
  }
}
