/**
 * A vanilla snapshot store in the spirit of zustand's: `get` returns the same object until `set` is
 * handed one that differs, so `useSyncExternalStore` re-renders only on real change. (Snapshots are
 * `readonly` in their type; freezing them would cost bytes every user downloads.)
 */
export interface Store<T> {
  get(): T
  /**
   * Publishes `next` unless it equals the current state, key by key. A change of the `tickKey` key
   * alone (the time left) is published only while a listener subscribed to ticks, and only those
   * listeners hear it: the others keep their snapshot and do not re-render once a second.
   */
  set(next: T, tickKey?: keyof T): boolean
  subscribe(listener: () => void, ticks?: boolean): () => unknown
  /** Whether any listener hears ticks. */
  ticking(): boolean
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial
  /** Each listener, and whether it hears ticks. */
  const listeners = new Map<() => void, boolean>()
  const ticking = () => [...listeners.values()].includes(true)
  return {
    get: () => state,
    set(next, tickKey) {
      const changed = (Object.keys(next) as Array<keyof T>).filter((key) => next[key] !== state[key])
      const tick = changed.every((key) => key === tickKey)
      if (!changed.length || (tick && !ticking())) return false
      state = next
      for (const [listener, ticks] of listeners) if (ticks || !tick) listener()
      return true
    },
    subscribe(listener, ticks = false) {
      listeners.set(listener, ticks)
      return () => listeners.delete(listener)
    },
    ticking,
  }
}
