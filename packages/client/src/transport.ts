import { CLIENT_HEADER, PASSIVE_HEADER } from './core'
import { type Ended, type Known, parseEnded, parseStatus } from './parse'
import type { TimerProvider } from './types'

export type Call = 'check' | 'activity' | 'refresh' | 'logout'

export interface TransportOptions {
  endpoint: string
  fetch: typeof fetch
  timers: TimerProvider
  now: () => number
  credentials: RequestCredentials | undefined
  timeout: number
}

/** An answer and the local time its request left, for the clock offset. */
export interface Reply {
  body: Known | Ended
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

  const attempt = async (call: Call): Promise<Reply | null | undefined> => {
    const post = call !== 'check'
    const abort = new AbortController()
    // Firing this after the answer was read aborts nothing.
    const done = arm(options.timeout, () => abort.abort())
    const sentAt = options.now()
    try {
      const response = await request(options.endpoint + (post ? `/${call}` : ''), {
        method: post ? 'POST' : 'GET',
        credentials: options.credentials,
        headers: { [post ? CLIENT_HEADER : PASSIVE_HEADER]: '1' },
        signal: abort.signal,
      })
      const { status } = response
      if (status > 499 || status === 429) return undefined
      const json: unknown = await response.json().catch(() => null)
      const body = status === 401 ? parseEnded(json, sentAt) : response.ok ? parseStatus(json) : null
      return body && { body, sentAt }
    } catch {
      return undefined
    } finally {
      done()
    }
  }

  return {
    async send(call) {
      const mine = epoch
      for (let i = 0; mine === epoch; i++) {
        const result = await attempt(call)
        // `undefined`: worth another try (network, timeout, overload); `null`: a final, useless answer.
        if (result !== undefined || i === RETRIES || mine !== epoch)
          return mine === epoch ? (result ?? null) : null
        await new Promise<void>((done) => arm(2 ** i * 1000 * (1 + Math.random() / 2), done))
      }
      return null
    },
    cancel() {
      epoch++
      for (const early of live) early()
    },
  }
}
