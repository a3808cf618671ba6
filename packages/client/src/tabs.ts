import type { Held, News } from './news'
import { noop } from './noop'
import type { EndReason, SessionState } from './parse'

/**
 * What tabs tell each other. Short keys: these cross a channel many times a minute, and they stay as
 * they are, since tabs of two versions of an app share the channel during a deploy.
 */
export type TabMessage =
  /** State, from whichever tab learned it: `known` is the state, `stamp` its server time. */
  | {
      k: 'state'
      known: SessionState | null
      ended: EndReason | null
      stamp: number
      offset: number
      reportedAt: number
    }
  /** A follower saw activity. */
  | { k: 'activity' }
  /** A follower asks for a refresh; `stamp` is the newest state it had seen. */
  | { k: 'refresh'; stamp: number }
  /**
   * A tab asks the leader for a passive check (on opening, or `refreshStatus()`). Earlier versions
   * sent `{ k: 'ask' }`; a leader treats every kind it does not know as this one.
   */
  | { k: 'check'; stamp: number }

export interface Tabs {
  post(message: TabMessage): void
  close(): Promise<void>
}

export interface TabsOptions {
  name: string
  onMessage: (message: TabMessage) => void
  onLeader: () => void
  /** Called once the channel listens (it opens asynchronously, after broadcast-channel loads). */
  onOpen: () => void
}

/**
 * Joins the tab group: a broadcast-channel and its leader election (Web Locks where available, so a
 * closing leader hands over at once). `broadcast-channel` is imported here, on `start()`, so importing
 * the SDK during SSR or with `crossTab: false` never loads it. If it cannot load, this tab leads alone.
 * Only the two parts named below are used. (esbuild keeps all of a module loaded by `import()`;
 * re-exporting the two from a local module would leave out 83 B min+gzip of it, but esbuild's wrapper
 * for a lazy local module costs 130 B of own code. Measured: bench/RESULTS.md, bundle section.)
 */
export function joinTabs({ name, onMessage, onLeader, onOpen }: TabsOptions): Tabs {
  let closed = false
  const ready = import('broadcast-channel').then(
    ({ BroadcastChannel, createLeaderElection }) => {
      const channel = new BroadcastChannel<TabMessage>(name)
      channel.onmessage = onMessage
      onOpen()
      // Closing the channel also ends its elector, releasing the leadership to another tab.
      createLeaderElection(channel)
        .awaitLeadership()
        .then(() => closed || onLeader(), noop)
      return channel
    },
    () => {
      if (!closed) onLeader()
    },
  )
  return {
    post(message) {
      ready.then((channel) => channel?.postMessage(message)).catch(noop)
    },
    close() {
      closed = true
      return ready.then((channel) => channel?.close())
    },
  }
}

/**
 * The state message a tab shares: what it holds, its clock offset and the latest report (so a new
 * leader does not report activity again).
 *
 * @example
 * tabs.post(stateMessage(held, offset, reportedAt))
 */
export const stateMessage = (held: Held, offset: number, reportedAt: number): TabMessage => ({
  k: 'state',
  known: held.state,
  ended: held.ended,
  stamp: held.stateTime,
  offset,
  reportedAt,
})

/** The news in a state message. */
export const messageNews = (message: Extract<TabMessage, { k: 'state' }>): News => ({
  state: message.known,
  ended: message.ended,
  stateTime: message.stamp,
})
