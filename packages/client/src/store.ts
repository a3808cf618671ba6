/**
 * A vanilla snapshot store in the spirit of zustand's: `get` returns the same object until `set` is
 * handed one that differs, so `useSyncExternalStore` re-renders only on real change. (Snapshots are
 * `readonly` in their type; freezing them would cost bytes every user downloads.)
 */
export interface Store<T> {
  get(): T
  /** Publishes `next` unless it equals the current state, key by key, ignoring `ignore`. */
  set(next: T, ignore?: keyof T): boolean
  subscribe(listener: () => void): () => unknown
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    get: () => state,
    set(next, ignore) {
      if ((Object.keys(next) as Array<keyof T>).every((key) => key === ignore || next[key] === state[key]))
        return false
      state = next
      for (const listener of listeners) listener()
      return true
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
