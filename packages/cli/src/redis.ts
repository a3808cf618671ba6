import { type RedisCommandAdapter, RedisStore } from '@curfew/server'
import { createClient } from 'redis'
import { CliError, EXIT } from './exitCodes'

/** `redis://:secret@host` → `redis://:***@host`: URLs end up in CI logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/** Rejects when `promise` has not settled within `ms`; the timer never keeps the process alive. */
function within<T>(promise: Promise<T>, options: { ms: number; what: string }): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to ${options.what} within ${options.ms} ms`)),
      options.ms,
    )
    timer.unref?.()
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/**
 * Connects to Redis for one command. Every step — connecting and each command — has its own deadline
 * (`timeoutMs`), with no reconnect loop and no offline queue, so an unreachable, refusing or silent
 * server is a clear error (exit 3), never a hang.
 */
export async function openRedisStore(options: {
  url: string
  prefix: string
  timeoutMs: number
}): Promise<{ store: RedisStore; close: () => Promise<void> }> {
  const { url, prefix, timeoutMs } = options
  if (!/^rediss?:\/\//.test(url)) {
    throw new CliError({
      message: `--redis must be a redis:// or rediss:// URL (got "${redactUrl(url)}")`,
      exitCode: EXIT.usage,
    })
  }
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
  })
  client.on('error', () => {
    // Reported through the failing call below; without a listener node-redis would throw.
  })
  try {
    await within(client.connect(), { ms: timeoutMs, what: 'the connection' })
  } catch (cause) {
    destroy(client)
    throw new CliError({
      message: `Cannot reach Redis at ${redactUrl(url)}: ${(cause as Error).message}`,
      exitCode: EXIT.unreachable,
      cause,
    })
  }
  const adapter: RedisCommandAdapter = {
    send: (args) => within(client.sendCommand([...args]), { ms: timeoutMs, what: args[0] ?? 'a command' }),
  }
  return { store: new RedisStore({ client: adapter, prefix }), close: async () => destroy(client) }
}

/** Closing a client that never connected throws "The client is closed": nothing is left to release. */
function destroy(client: { destroy(): void }): void {
  try {
    client.destroy()
  } catch {}
}
