/**
 * Redis's clock as last sampled, for the plain-read path: every script and `TIME` reply carries Redis's
 * `now`, read at some instant between sending the call and receiving its reply (local monotonic time).
 * From the best recent sample the clock bounds Redis's time at any later local instant from above:
 *
 *   redisNow ≤ sampled + (instant − sentAt) · (1 + DRIFT) + skew
 *
 * and from below (`redisNow ≥ sampled + (instant − receivedAt) · (1 − DRIFT) − skew`), so the sample's
 * error is its round trip. `skew` is the largest disagreement seen between samples
 * (on a cluster each master has its own clock) within the last minute. No fresh sample → no bound, and
 * the store asks the script instead.
 */
export class RedisClockSample {
  #sampled = Number.NaN
  #sentAt = 0
  #receivedAt = 0
  #skew = 0
  #skewSince = 0
  readonly #local: () => number
  readonly #maxAge: number

  constructor(options: { local?: () => number; maxAge?: number } = {}) {
    this.#local = options.local ?? (() => performance.now())
    this.#maxAge = options.maxAge ?? MAX_AGE
  }

  /** Local monotonic time (ms), to bracket a call with. */
  local(): number {
    return this.#local()
  }

  /** Records Redis's `now` as read by a call sent at `sentAt` and answered at `receivedAt` (local). */
  record(sampled: number, sentAt: number, receivedAt: number): void {
    if (!Number.isFinite(sampled)) return
    if (!Number.isNaN(this.#sampled)) {
      // What the current sample allows for the instant the new one was read at; beyond it is skew.
      const low = this.#sampled + (sentAt - this.#receivedAt) * (1 - DRIFT) - this.#skew
      const high = this.#upper(receivedAt)
      const excess = Math.max(0, low - sampled, sampled - high)
      if (receivedAt - this.#skewSince > SKEW_WINDOW) {
        this.#skew = excess
        this.#skewSince = receivedAt
      } else if (excess > this.#skew) this.#skew = excess
      // Keep the tighter sample unless it is getting old.
      const tighter = receivedAt - sentAt <= this.#receivedAt - this.#sentAt
      if (!tighter && receivedAt - this.#receivedAt < this.#maxAge / 4) return
    } else {
      this.#skewSince = receivedAt
    }
    this.#sampled = sampled
    this.#sentAt = sentAt
    this.#receivedAt = receivedAt
  }

  /** An upper bound of Redis's clock at local instant `at`, or `undefined` without a fresh sample. */
  upperBound(at: number = this.#local()): number | undefined {
    if (Number.isNaN(this.#sampled) || at - this.#receivedAt > this.#maxAge) return undefined
    return Math.ceil(this.#upper(at))
  }

  /**
   * A lower bound of Redis's clock at local instant `at`, or `undefined` without a fresh sample: the
   * sample was read no later than it was received. This, not the upper bound, is the time to report —
   * the manager's `now()` follows what the store reports, and a clock run ahead by the sample's round
   * trip would end a watched session before its deadline (its fail-closed path, Redis down).
   */
  lowerBound(at: number = this.#local()): number | undefined {
    if (Number.isNaN(this.#sampled) || at - this.#receivedAt > this.#maxAge) return undefined
    return Math.floor(this.#sampled + (at - this.#receivedAt) * (1 - DRIFT) - this.#skew)
  }

  #upper(at: number): number {
    return this.#sampled + (at - this.#sentAt) * (1 + DRIFT) + this.#skew
  }
}

/** Local and Redis clocks may run apart by this rate (NTP slews at most 500 ppm). */
const DRIFT = 1e-3
/** A sample older than this is not used: the next check goes through the script, which resamples. */
const MAX_AGE = 5000
const SKEW_WINDOW = 60_000
