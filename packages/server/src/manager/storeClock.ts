import type { SessionStore } from '../stores/types'

/** The clock that decides, as the manager sees it. */
export interface StoreClock {
  /** Best knowledge of the deciding clock, synchronous: this machine's clock plus the last offset. */
  now(): number
  /** The `now` to pass to a store call: the manager's own for a store without a clock, else none. */
  inputNow(): { now?: number }
  /** The same as a number: the manager's own `now` for a store without a clock, else `undefined`. */
  inputTime(): number | undefined
  /** Records the time a store answered with, so `now()` follows the store's clock. */
  learn(storeNow: number): void
  /** Reads the deciding clock itself (the store's `time()` through `guard`, else the local one). */
  read(guard: <T>(call: () => Promise<T>) => Promise<T>): Promise<number>
}

/**
 * One clock decides for the fleet: a store with a clock (`time()`) judges every call by it, so servers
 * whose own clocks disagree still agree on every deadline. The manager keeps the offset the store
 * reports so `now()` stays synchronous and close to the deciding clock. Stores without a clock are
 * given the manager's (injected `now`, else `Date.now`).
 *
 * @example
 * const clock = createStoreClock({ store, now: options.now })
 * const result = await store.check({ ...input, ...clock.inputNow() })
 * clock.learn(result.now)
 */
export function createStoreClock(options: {
  store: SessionStore
  now?: (() => number) | undefined
}): StoreClock {
  const { store } = options
  const localNow = options.now ?? Date.now
  const storeHasClock = typeof store.time === 'function'
  let offset = 0
  const learn = (storeNow: number): void => {
    if (storeHasClock) offset = storeNow - localNow()
  }
  return {
    now: () => localNow() + offset,
    inputNow: () => (storeHasClock ? {} : { now: localNow() }),
    inputTime: () => (storeHasClock ? undefined : localNow()),
    learn,
    async read(guard) {
      const time = storeHasClock ? await guard(() => store.time!()) : localNow()
      learn(time)
      return time
    },
  }
}
