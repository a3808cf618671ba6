/**
 * Input that counts as a user being present (the default of `activityEvents`). `pointermove` is
 * throttled like the rest.
 *
 * @example
 * createSessionClient({ activityEvents: [...DEFAULT_ACTIVITY_EVENTS, 'scroll'] })
 */
export const DEFAULT_ACTIVITY_EVENTS: readonly string[] =
  'pointerdown pointermove keydown wheel touchstart focus visibilitychange'.split(' ')

// Moments after which the page may have missed time: sleep, a frozen background tab, bfcache, offline.
const WAKE_EVENTS = 'visibilitychange focus online pageshow'.split(' ')

export interface ActivityOptions {
  events: readonly string[]
  throttle: number
  now: () => number
  onActivity: () => void
  onWake: () => void
}

/**
 * Attaches one passive, capturing listener per event type to `window` (every event of the page,
 * `visibilitychange` on `document` included, passes it first, so `stopPropagation` in the app cannot
 * hide activity) and returns the function that removes them. Touches globals only when called.
 */
export function trackActivity(options: ActivityOptions): () => void {
  // Outside a DOM (a worker, a test runner) the client still syncs with the server, without input.
  if (!globalThis.document) return () => undefined
  let last = -Infinity
  const types = new Set([...WAKE_EVENTS, ...options.events])
  const handle = ({ type }: Event) => {
    // Wake first, so the state is re-evaluated before the activity is judged against it.
    if (WAKE_EVENTS.includes(type)) options.onWake()
    const t = options.now()
    // A hidden tab is not presence. `t < last`: the clock was set back; accept rather than go deaf.
    if (!options.events.includes(type) || document.hidden || (t - last < options.throttle && t >= last))
      return
    last = t
    options.onActivity()
  }
  for (const type of types) addEventListener(type, handle, { passive: true, capture: true })
  return () => {
    for (const type of types) removeEventListener(type, handle, { capture: true })
  }
}
