import { CLIENT_HEADER, PASSIVE_HEADER } from './core'
import { noop } from './noop'
import { type Ended, parseEnded, parseStatus, type SessionState } from './parse'
import type { SessionClientOptions, TimerProvider } from './types'

export type Call = 'check' | 'activity' | 'refresh' | 'logout'

/** The client's options (`credentials`, `requestTimeout` are read as given), defaults resolved. */
export interface TransportOptions extends Pick<SessionClientOptions, 'credentials' | 'requestTimeout'> {
  endpoint: string
  fetch: typeof fetch
  timers: TimerProvider
  now: () => number
}

/** An answer and the local time its request left, for the clock offset. */
export interface Reply {
  body: SessionState | Ended
  sentAt: number
}

export interface Transport {
  /** Resolves `null` when nothing usable came back, after retries. Never rejects. */
  send(call: Call): Promise<Reply | null>
  /** Aborts every request and backoff wait now (their `send` resolves `null`). */
  cancel(): void
}

const RETRIES = 3

/**
 * The SDK's own requests: `GET /session` (passive) or a `POST` with `Curfew-Client: 1`. Network errors,
 * timeouts, 5xx and 429 are retried with exponential backoff and jitter; other answers are final.
 */
export function createTransport(options: TransportOptions): Transport {
  // Called as a plain function: a native `fetch` called as a method of another object throws.
  const { timers, fetch: request } = options
  // Timers in flight, each as "fire now", so `cancel()` leaves nothing behind.
  const live = new Set<() => void>()
  let epoch = 0
  const arm = (ms: number, fire: () => void) => {
    const early = () => {
      live.delete(early)
      timers.clearTimeout(id)
      fire()
    }
    const id = timers.setTimeout(early, ms)
    live.add(early)
    return early
  }

  return {
    async send(call) {
      const mine = epoch
      const post = call !== 'check'
      for (let i = 0; i <= RETRIES; i++) {
        // Before each retry: 1 s, 2 s, 4 s, each with up to half as much again of jitter.
        if (i) await new Promise<void>((done) => arm(2 ** i * 500 * (1 + Math.random() / 2), done))
        if (mine !== epoch) break
        const abort = new AbortController()
        // Firing this after the answer was read aborts nothing.
        const done = arm(options.requestTimeout ?? 10_000, () => abort.abort())
        const sentAt = options.now()
        try {
          const response = await request(options.endpoint + (post ? `/${call}` : ''), {
            method: post ? 'POST' : 'GET',
            // Undefined means fetch's own default, 'same-origin'.
            credentials: options.credentials,
            headers: { [post ? CLIENT_HEADER : PASSIVE_HEADER]: '1' },
            signal: abort.signal,
          })
          const { status } = response
          // Any other answer is final (a useless one resolves `null`); overload is worth another try.
          if (status < 500 && status !== 429) {
            const json: unknown = await response.json().catch(noop)
            const body = status === 401 ? parseEnded(json, sentAt) : response.ok ? parseStatus(json) : null
            return (mine === epoch && body && { body, sentAt }) || null
          }
        } catch {
          // A network error or a timeout: worth another try.
        } finally {
          done()
        }
      }
      return null
    },
    cancel() {
      epoch++
      for (const early of live) early()
    },
  }
}
