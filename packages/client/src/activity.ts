import { noop } from './noop'
import type { SessionClientOptions } from './types'

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

/** What the client hands over: its clock and two handlers. */
export interface ActivityHandlers {
  now: () => number
  onActivity: () => void
  onWake: () => void
}

/**
 * Attaches one passive, capturing listener per event type to `window` (every event of the page,
 * `visibilitychange` on `document` included, passes it first, so `stopPropagation` in the app cannot
 * hide activity) and returns the function that removes them. Touches globals only when called.
 */
export function trackActivity(options: SessionClientOptions, handlers: ActivityHandlers): () => void {
  // Outside a DOM (a worker, a test runner) the client still syncs with the server, without input.
  if (!globalThis.document) return noop
  const { activityEvents: events = DEFAULT_ACTIVITY_EVENTS, activityThrottle: throttle = 1_000 } = options
  let last = -Infinity
  const types = new Set([...WAKE_EVENTS, ...events])
  const handle = ({ type }: Event) => {
    // Wake first, so the state is re-evaluated before the activity is judged against it.
    if (WAKE_EVENTS.includes(type)) handlers.onWake()
    const t = handlers.now()
    // A hidden tab is not presence. `t < last`: the clock was set back; accept rather than go deaf.
    if (!events.includes(type) || document.hidden || (t - last < throttle && t >= last)) return
    last = t
    handlers.onActivity()
  }
  for (const type of types) addEventListener(type, handle, { passive: true, capture: true })
  return () => {
    for (const type of types) removeEventListener(type, handle, { capture: true })
  }
}
