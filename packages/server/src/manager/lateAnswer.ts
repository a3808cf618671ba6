const ignore = () => {}

/**
 * Runs a store call through `run` (the store guard) and, when the guard gives up on it at
 * `storeTimeout` but the call still completes later, hands its late answer to `late`: what it wrote
 * in the store happened, and no later call will report it as its own (a revoke that landed late
 * ended the session; a retry finds it already ended and audits nothing).
 *
 * @example
 * const result = await withLateAnswer((call) => guard(call, input), () => store.revoke(input), auditEnded)
 */
export async function withLateAnswer<T>(
  run: (call: () => Promise<T>) => Promise<T>,
  call: () => Promise<T>,
  late: (answer: T) => void,
): Promise<T> {
  let pending: Promise<T> | undefined
  try {
    return await run(() => {
      pending = call()
      return pending
    })
  } catch (error) {
    // Rejected calls have nothing to report; a timed-out one reports when (if) it lands.
    pending?.then(late, ignore)
    throw error
  }
}
