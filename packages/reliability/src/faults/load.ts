import { type RawResponse, rawRequest } from '../harness/raw'

/** One answer under load, reduced to what the fault suites judge. */
export interface LoadResult {
  status: number
  reason: string | undefined
  /** A `Set-Cookie` that deletes the session cookie (a sign-out). */
  clearsCookie: boolean
}

function reduce(response: RawResponse): LoadResult {
  let reason: string | undefined
  try {
    reason = JSON.parse(response.body).reason
  } catch {
    reason = undefined
  }
  const clearsCookie = response.headers.some(
    ([name, value]) => name === 'set-cookie' && /curfew_session=;|Max-Age=0/i.test(value),
  )
  return { status: response.status, reason, clearsCookie }
}

/**
 * `total` authenticated requests from `concurrency` parallel clients over raw HTTP, cycling through the
 * cookies. `onProgress` sees the count of answers so far (a test kills Redis at some count). Every
 * request must be answered within `timeoutMs`: a hang fails the run instead of stalling it.
 */
export async function runLoad(input: {
  port: number
  cookies: string[]
  total: number
  concurrency: number
  path?: string
  timeoutMs?: number
  onProgress?: (done: number) => void
}): Promise<LoadResult[]> {
  const results: LoadResult[] = []
  let next = 0
  const worker = async () => {
    while (next < input.total) {
      const n = next++
      const cookie = input.cookies[n % input.cookies.length]!
      const response = await rawRequest(
        { port: input.port, timeoutMs: input.timeoutMs ?? 5000 },
        { method: 'GET', path: input.path ?? '/api/me', headers: [['cookie', cookie]] },
      )
      results.push(reduce(response))
      input.onProgress?.(results.length)
    }
  }
  await Promise.all(Array.from({ length: input.concurrency }, worker))
  return results
}
