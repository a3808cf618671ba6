import { trackActivity } from './activity'
import { offsetOf } from './clock'
import { parseDuration, parseSessionHeader, SESSION_HEADER } from './core'
import { noop } from './noop'
import { type Ended, type EndReason, type Known, parseEnded } from './parse'
import { createStore } from './store'
import { joinTabs, type TabMessage, type Tabs } from './tabs'
import { type Call, createTransport } from './transport'
import type { SessionClient, SessionClientOptions, SessionSnapshot, TimerProvider } from './types'

type Status = SessionSnapshot['status']

// setTimeout's ceiling; longer delays would fire at once. (Negative delays run at once, as wanted.)
const MAX_DELAY = 2 ** 31 - 1

/**
 * Creates the browser session client. Creating it touches no browser global (safe during SSR);
 * `start()` attaches listeners, joins the tab group and asks the server.
 *
 * @example
 * const session = createSessionClient({ endpoint: '/session', onExpired: () => location.assign('/login') })
 * session.subscribe(() => render(session.getSnapshot()))
 * session.start()
 * const res = await session.fetch('/api/orders') // keeps the countdown in step with app traffic
 */
export function createSessionClient(options: SessionClientOptions = {}): SessionClient {
  const endpoint = options.endpoint ?? '/session'
  const localNow = options.now ?? (() => Date.now())
  // Looked up on every call, never at creation, so fake timers installed later still apply.
  const timers: TimerProvider = options.timers ?? globalThis
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init))
  const warnOption = options.warnBefore === undefined ? undefined : parseDuration(options.warnBefore)
  const transport = createTransport({ ...options, endpoint, fetch: fetchImpl, timers, now: localNow })

  let started = false
  let leader = false
  /** `serverTime − local time`, from this tab's last request or the leader's. */
  let offset = 0
  /** Newest session state, in server time. */
  let known: Known | null = null
  /** Set when the server (or a tab that heard from it) said the session is over. */
  let ended: EndReason | null = null
  // Times below are server epoch ms, so 0 means "never".
  /** Server time of the newest state; older news (a late answer, a stale tab) is ignored. */
  let stamp = 0
  /** Subject this tab belongs to; another subject's session is never shown as this tab's. */
  let owner: string | undefined
  let switched = false
  /** Server times of the latest counted activity and of the latest report sent. */
  let activityAt = 0
  let reportedAt = 0
  /** Stamp of the newest refresh answer: makes "stay signed in" single-flight across tabs. */
  let refreshedStamp = 0
  let lastStatus: Status | undefined
  // The deadline the leader last took a last look before (see `lastLook`).
  let lookedBefore: number | null = null
  let countdowns = 0
  let timer: unknown
  let tabs: Tabs | undefined
  let untrack: (() => void) | undefined
  const waiters: Array<() => void> = []
  let flights: Partial<Record<Call, Promise<void>>> = {}
  const store = createStore({} as SessionSnapshot)

  const serverNow = () => localNow() + offset
  const warnBefore = () => warnOption ?? known?.warnBefore ?? 60_000
  // A last passive check shortly before the predicted deadline: the server may have moved it without
  // telling this tab (a "Stay signed in" whose tab closed mid-request, activity on another device), and
  // a page must not sign out a user the server still accepts.
  const lastLook = () => Math.min(5_000, warnBefore() / 2)
  // Activity the leader still has to report (none is owed once the absolute deadline rules).
  const pending = () =>
    leader && !flights.activity && !ended && known?.expiresBy === 'idle' && activityAt > reportedAt
  // A report interval after the last one (default: an eighth of the time before the warning, within
  // 1 s..5 min), or at once when waiting would let an active user slide into the warning window.
  const reportDue = () => {
    const due =
      reportedAt +
      (options.reportInterval ??
        Math.min(300_000, Math.max(1_000, ((known?.idleTimeout ?? 900_000) - warnBefore()) / 8)))
    // Only asked while a report is `pending()`, so the session is known.
    return due < known!.expiresAt - warnBefore() ? due : activityAt
  }
  const share = () => tabs?.post({ k: 'state', known, ended, stamp, offset, reportedAt })
  const check = () => call('check')

  function call(kind: Call): Promise<void> {
    flights[kind] ??= transport.send(kind).then((reply) => {
      flights[kind] = undefined
      if (reply) {
        offset = offsetOf(reply.body.serverTime, reply.sentAt, localNow())
        learn(reply.body)
        if (kind === 'refresh') refreshedStamp = stamp
      }
      // Even after a failure: followers waiting on this answer resolve with what is known.
      share()
    })
    return flights[kind]
  }

  /** Takes a server answer in; a 401 carries no deadlines: the session we knew is over. */
  function learn(body: Known | Ended): boolean {
    return adopt(
      'expiresAt' in body ? body : known,
      body.state === 'expired' ? (body.reason ?? 'unknown') : null,
      body.serverTime,
    )
  }

  function adopt(next: Known | null, end: EndReason | null, at: number): boolean {
    if (at < stamp) return false
    stamp = at
    const changed = known && next && next.session !== known.session
    if (next?.state === 'active') {
      owner ??= next.subject
      switched = next.subject !== owner
    }
    // Activity seen under one session is never credited to another.
    if (changed) activityAt = reportedAt = 0
    known = next
    // The server clears the cookie when it ends a session, so the next answer says only "missing":
    // keep the reason that was learned first (idle, absolute, revoked…).
    ended = end === 'missing' && ended ? ended : end
    render(false)
    if (changed) options.onSessionChange?.(store.get())
    return true
  }

  /** Publishes the snapshot; `timeDriven` renders may start the leader's passive checks. */
  function render(timeDriven = true) {
    const t = serverNow()
    const {
      expiresAt = null,
      expiresBy = null,
      subject = null,
      session = null,
      idleExpiresAt = null,
      absoluteExpiresAt = null,
    } = known ?? {}
    const status: Status = ended
      ? 'expired'
      : expiresAt === null
        ? 'unknown'
        : t >= expiresAt
          ? 'expired'
          : t >= expiresAt - warnBefore()
            ? 'warning'
            : 'active'
    const shown = switched ? 'expired' : status
    const prev = store.get().status
    const published = store.set(
      {
        status: shown,
        expiresAt,
        remainingMs: expiresAt && Math.max(0, expiresAt - t),
        expiresBy,
        reason: switched ? 'switched' : status === 'expired' ? (ended ?? expiresBy) : null,
        canExtend: shown !== 'expired' && expiresBy === 'idle',
        isLeader: leader,
        subject,
        session,
        idleExpiresAt,
        absoluteExpiresAt,
        warnBefore: warnBefore(),
      },
      // Without a countdown watcher the snapshot keeps its identity while only the time left moves.
      countdowns ? undefined : 'remainingMs',
    )
    if (published && shown !== prev && prev) {
      const snapshot = store.get()
      if (shown === 'warning') options.onWarning?.(snapshot)
      if (shown === 'expired') options.onExpired?.(snapshot)
      if (shown === 'active' && prev !== 'unknown') options.onExtended?.(snapshot)
    }
    // Entering the warning, ask whether app traffic or another device moved the deadline; at the
    // predicted deadline, ask the server to confirm. The server's answer rules either way.
    if (leader && timeDriven) {
      if (status !== lastStatus && (status === 'warning' || (status === 'expired' && !ended))) void check()
      else if (
        status === 'warning' &&
        expiresAt !== null &&
        lookedBefore !== expiresAt &&
        t >= expiresAt - lastLook()
      ) {
        lookedBefore = expiresAt
        void check()
      }
    }
    lastStatus = status
    schedule(t)
  }

  /** One timer, to the next instant anything can change: warning, deadline, report, countdown second. */
  function schedule(t: number) {
    timers.clearTimeout(timer)
    if (!started || !known || ended) return
    const at = [known.expiresAt - warnBefore(), known.expiresAt - lastLook(), known.expiresAt].filter(
      (x) => x > t,
    )
    if (countdowns && t < known.expiresAt) at.push(t + ((known.expiresAt - t) % 1000 || 1000))
    if (pending()) at.push(reportDue())
    if (at[0]) timer = timers.setTimeout(tick, Math.min(t + MAX_DELAY, ...at) - t)
  }

  function tick() {
    if (pending() && serverNow() >= reportDue()) {
      reportedAt = serverNow()
      void call('activity')
    }
    render()
  }

  function onActivity() {
    render()
    const { status } = store.get()
    if (status === 'expired' || (status === 'warning' && !options.extendOnActivityDuringWarning)) return
    activityAt = serverNow()
    if (leader) tick()
    else tabs?.post({ k: 'activity' })
  }

  function onWake() {
    render()
    // No answer yet, or a predicted end the server has not confirmed (the network may be back).
    if (leader && !ended && (!known || serverNow() >= known.expiresAt)) void check()
  }

  function onLeader() {
    leader = true
    tick()
    onWake()
    // Followers still waiting on the previous leader get an answer.
    share()
  }

  function onMessage(message: TabMessage) {
    if (message.k === 'state') {
      offset = message.offset
      reportedAt = Math.max(reportedAt, message.reportedAt)
      adopt(message.known, message.ended, message.stamp)
      for (const done of waiters.splice(0)) done()
    } else if (leader) {
      if (message.k === 'activity') {
        activityAt = serverNow()
        tick()
      } else if (message.k === 'refresh') {
        // The asking tab had not yet seen the newest refresh: it is answered already.
        if (message.stamp < refreshedStamp) share()
        else void call('refresh')
      }
      // A tab that asks is new (or wants news): ask the server, not the memory, since a login may
      // have changed the session since the last answer (one passive request, single-flight).
      else void check()
    }
  }

  /**
   * A follower's request goes to the leader; it resolves on the next state any tab shares (the leader
   * shares after every answer, failed ones included, and on taking over).
   */
  function viaLeader(kind: 'check' | 'refresh'): Promise<SessionSnapshot> {
    if (leader || !tabs) return call(kind).then(store.get)
    tabs.post({ k: kind, stamp })
    return new Promise((resolve) => waiters.push(() => resolve(store.get())))
  }

  const client: SessionClient = {
    start() {
      if (started) return
      started = true
      untrack = trackActivity(options, { now: localNow, onActivity, onWake })
      if (options.crossTab === false) return onLeader()
      tabs = joinTabs({
        name: options.channelName ?? `curfew:${endpoint}`,
        onMessage,
        onLeader,
        // A millisecond after the listener opens: broadcast-channel drops messages stamped no later
        // than its listener, and the leader's answer is stamped no earlier than the ask.
        onOpen: () => timers.setTimeout(() => tabs?.post({ k: 'check', stamp }), 1),
      })
    },
    async stop() {
      if (!started) return
      started = leader = false
      untrack?.()
      transport.cancel()
      // A start() right after (React StrictMode) must not join a request stop() cancelled.
      flights = {}
      for (const done of waiters.splice(0)) done()
      const closing = tabs
      tabs = undefined
      render(false)
      await closing?.close()
    },
    getSnapshot: store.get,
    subscribe: store.subscribe,
    subscribeCountdown(listener) {
      const unsubscribe = store.subscribe(listener)
      countdowns++
      // Publishes the time left now, and schedules the next whole second.
      render(false)
      return () => {
        unsubscribe()
        countdowns--
      }
    },
    staySignedIn: () => viaLeader('refresh'),
    refreshStatus: () => viaLeader('check'),
    async logout() {
      // Any tab ends the session itself (a logout never waits for a leader) and tells the others.
      await call('logout')
      // Offline or refused: end here anyway; the server refuses the session when it next sees it.
      if (!ended && adopt(known, 'logout', stamp)) share()
    },
    handleResponse(response) {
      const header = parseSessionHeader(response.headers?.get(SESSION_HEADER))
      // Before the first state, the tab's own check is on its way: nothing to compare with yet.
      if (header && known) {
        if (header.session !== known.session) void client.refreshStatus()
        else if (
          (header.expiresAt !== known.expiresAt || header.state !== known.state) &&
          learn({ ...known, ...header })
        )
          share()
      }
      if (response.status === 401)
        response
          .clone()
          .json()
          .then((body: { error?: unknown }) => {
            const ended = body.error === 'session_expired' && parseEnded(body, serverNow())
            if (ended && learn(ended)) share()
          })
          .catch(noop)
      return response
    },
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      fetchImpl(input, init).then(client.handleResponse)) as typeof fetch,
  }
  render(false)
  return client
}
