import type { EndNotice, EndNoticeChannel, EndNoticeListener } from './types'

// One set of listeners per store object: managers that share a MemoryStore share its notices, and a
// store nobody holds any more takes its listeners with it.
const listenersByStore = new WeakMap<object, Set<EndNoticeListener>>()

/**
 * The in-process end channel of a store that has no fleet channel of its own (`MemoryStore`): every
 * manager built on the same store object hears every session end, synchronously.
 */
export function localEndChannel(store: object): EndNoticeChannel {
  let listeners = listenersByStore.get(store)
  if (!listeners) {
    listeners = new Set()
    listenersByStore.set(store, listeners)
  }
  const own = listeners
  return {
    async publish(notice: EndNotice) {
      for (const listener of [...own]) {
        try {
          listener.onNotice(notice)
        } catch {
          // One manager's failing watcher must not keep the notice from the others.
        }
      }
    },
    subscribe(listener) {
      own.add(listener)
      // A manager subscribes with its first watch: ends told before then (another manager's revoke of a
      // session validated here a moment ago) were not heard, so the watcher re-checks, as after any
      // subscription.
      queueMicrotask(() => {
        if (own.has(listener)) listener.onReady()
      })
      return async () => {
        own.delete(listener)
      }
    },
  }
}
