import { trackActivity } from './activity'
import { closeNotice, endNotice, expiryOf, headerNews } from './appTraffic'
import { callBack } from './callbacks'
import { offsetOf } from './clock'
import { parseDuration } from './core'
import { createFlights } from './flights'
import { checkOnWake, leaderAnswer, lookDue } from './leader'
import { answerNews, type News, nothingHeld, withNews } from './news'
import type { Ended, SessionState } from './parse'
import { type ReportInput, reportDueAt } from './reportDue'
import { type Status, snapshotAt, statusAt } from './status'
import { createStore } from './store'
import { joinTabs, messageNews, stateMessage, type TabMessage, type Tabs } from './tabs'
import { type Call, createTransport } from './transport'
import type { SessionClient, SessionClientOptions, SessionSnapshot, TimerProvider } from './types'
import { nextWakeUp } from './wakeUp'

/**
 * Creates the browser session client. Creating it touches no browser global (safe during SSR);
 * `start()` attaches listeners, joins the tab group and asks the server.
 *
 * The rules live in pure functions, each in its own file: what the snapshot says at a time
 * (`status.ts`), when to wake up next (`wakeUp.ts`), when activity is reported (`reportDue.ts`) and what
 * the leader asks or answers (`leader.ts`), each given the state and the server time; this closure
 * holds the state and wires the rules to timers, the network and the other tabs.
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
  let held = nothingHeld()
  /** Server times (epoch ms; 0: never) of the latest counted activity and of the latest report sent. */
  let activityAt = 0
  let reportedAt = 0
  /** Server time of the newest refresh answer: makes "stay signed in" single-flight across tabs. */
  let refreshedAt = 0
  /** The status of the previous publish, and the deadline the leader last took its last look before. */
  let previous: Status | undefined
  let lookedBefore: number | null = null
  let timer: unknown
  let tabs: Tabs | undefined
  let untrack: (() => void) | undefined
  const waiters: Array<() => void> = []
  const flights = createFlights<Call>()
  const store = createStore({} as SessionSnapshot)

  const serverNow = () => localNow() + offset
  /** The session now, as the rules read it. */
  const moment = () => ({
    ...held,
    t: serverNow(),
    warnBefore: warnOption ?? held.state?.warnBefore ?? 60_000,
    activityAt,
    reportedAt,
  })
  // Only the leader reports, one report at a time.
  const reportAt = (at: ReportInput) =>
    leader && !flights.has('activity') ? reportDueAt(at, options.reportInterval) : null
  const shareState = () => tabs?.post(stateMessage(held, offset, reportedAt))
  const check = () => call('check')
  /** Takes a server answer in (see `answerNews`); false when it was older than what this tab holds. */
  const learn = (body: SessionState | Ended) => take(answerNews(body, held.state))
  /** The server stated an end (a 401, a socket's end notice): every tab learns it. Says whether it did. */
  const end = (ended: Ended | null) => {
    if (ended && learn(ended)) shareState()
    return ended !== null
  }
  /** Followers waiting on the leader resolve with what is known. */
  const release = () => {
    for (const done of waiters.splice(0)) done()
  }

  /** One request of each kind at a time; every caller joins the one in flight. */
  const call = (kind: Call): Promise<void> =>
    flights.run(
      kind,
      () => transport.send(kind),
      (reply) => {
        if (reply) {
          offset = offsetOf(reply.body.serverTime, reply.sentAt, localNow())
          learn(reply.body)
          if (kind === 'refresh') refreshedAt = held.stateTime
        }
        // Even after a failure: followers waiting on this answer resolve with what is known.
        shareState()
      },
    )

  /** Takes news in (see `news.ts`) and publishes; false when it was older than what this tab holds. */
  function take(news: News): boolean {
    const next = withNews(held, news)
    if (!next) return false
    const changed = held.state && next.state && next.state.session !== held.state.session
    // Activity seen under one session is never credited to another.
    if (changed) activityAt = reportedAt = 0
    held = next
    publish(false)
    if (changed) options.onSessionChange?.(store.get())
    return true
  }

  /** Publishes the snapshot at the present instant; `timeDriven` ones may start the leader's checks. */
  function publish(timeDriven = true) {
    const at = moment()
    const snapshot = snapshotAt(at, leader)
    const shown = store.get().status
    // The snapshot-identity rule: a change of the time left alone reaches countdown watchers only.
    if (store.set(snapshot, 'remainingMs')) callBack(options, shown, snapshot)
    const look = leader && timeDriven && lookDue(at, previous, lookedBefore)
    if (look === 'last look') lookedBefore = held.state!.expiresAt
    if (look) void check()
    // The leader's rules read the status a user switch hides.
    previous = statusAt(at)
    timers.clearTimeout(timer)
    const wakeAt = started && nextWakeUp(at, store.ticking(), reportAt(at))
    if (wakeAt) timer = timers.setTimeout(wake, wakeAt - at.t)
  }

  /** The timer fired: send a report that came due, then publish. */
  function wake() {
    const at = moment()
    const due = reportAt(at)
    if (due !== null && at.t >= due) {
      reportedAt = at.t
      void call('activity')
    }
    publish()
  }

  function onActivity() {
    publish()
    const { status } = store.get()
    if (status === 'expired' || (status === 'warning' && !options.extendOnActivityDuringWarning)) return
    activityAt = serverNow()
    if (leader) wake()
    else tabs?.post({ k: 'activity' })
  }

  function onWake() {
    publish()
    if (leader && checkOnWake(moment())) void check()
  }

  function onLeader() {
    leader = true
    wake()
    onWake()
    // Followers still waiting on the previous leader get an answer.
    shareState()
  }

  function onMessage(message: TabMessage) {
    if (message.k === 'state') {
      offset = message.offset
      reportedAt = Math.max(reportedAt, message.reportedAt)
      take(messageNews(message))
      release()
    } else if (leader) {
      const answer = leaderAnswer(message, refreshedAt)
      if (answer === 'activity') {
        activityAt = serverNow()
        wake()
      } else if (answer === 'share') shareState()
      else void call(answer)
    }
  }

  /** A follower asks the leader, and hears back with the next state any tab shares (the leader shares
   * after every answer, failed ones included, and on taking over). */
  function viaLeader(kind: 'check' | 'refresh'): Promise<SessionSnapshot> {
    if (leader || !tabs) return call(kind).then(store.get)
    tabs.post({ k: kind, stamp: held.stateTime })
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
        onOpen: () => timers.setTimeout(() => tabs?.post({ k: 'check', stamp: held.stateTime }), 1),
      })
    },
    async stop() {
      if (!started) return
      started = leader = false
      untrack?.()
      transport.cancel()
      // A start() right after (React StrictMode) must not join a request stop() cancelled.
      flights.clear()
      release()
      const closing = tabs
      tabs = undefined
      publish(false)
      await closing?.close()
    },
    getSnapshot: store.get,
    subscribe: (listener) => store.subscribe(listener),
    subscribeCountdown(listener) {
      const unsubscribe = store.subscribe(listener, true)
      // Publishes the time left now, and schedules the next whole second.
      publish(false)
      return unsubscribe
    },
    staySignedIn: () => viaLeader('refresh'),
    refreshStatus: () => viaLeader('check'),
    async logout() {
      // Any tab ends the session itself (a logout never waits for a leader) and tells the others.
      await call('logout')
      // Offline or refused: end here anyway; the server refuses the session when it next sees it.
      if (!held.ended && take({ ...held, ended: 'logout' })) shareState()
    },
    handleResponse(response) {
      const news = headerNews(response, held.state)
      if (news === 'other') void client.refreshStatus()
      else if (news && learn(news)) shareState()
      void expiryOf(response, serverNow()).then(end)
      return response
    },
    handleExpired: (reason) => end(endNotice(reason, serverNow())),
    handleClose: (event) => end(closeNotice(event, serverNow())),
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      fetchImpl(input, init).then(client.handleResponse)) as typeof fetch,
  }
  publish(false)
  return client
}
