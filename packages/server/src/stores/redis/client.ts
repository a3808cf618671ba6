import { CurfewError } from '@curfew/core'

/**
 * The few shapes of Redis client `RedisStore` accepts. Typed structurally so that `@curfew/server` needs
 * neither `redis` nor `ioredis` at runtime or in its type declarations.
 */

/** A node-redis v4/v5 client (`createClient()` from `redis`): detected by `sendCommand` + `evalSha`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>
  evalSha(...args: never[]): unknown
}

/** An ioredis v5 client (`new Redis()`): detected by `call` + `evalsha`. */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>
  evalsha(...args: never[]): unknown
}

/**
 * Any other client, through a one-function adapter that sends one command and resolves with its reply
 * (bulk strings as strings, arrays as arrays, errors as rejections whose message starts with the Redis
 * error code, e.g. `NOSCRIPT`).
 *
 * @example
 * const client: RedisCommandAdapter = { send: (args) => myClient.command(args) }
 */
export interface RedisCommandAdapter {
  send(args: readonly string[]): Promise<unknown>
}

/** What `RedisStore({ client })` accepts. */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike | RedisCommandAdapter

/** A function that sends one command, whatever the client. */
export type SendCommand = (args: readonly string[]) => Promise<unknown>

/** Picks the way to send a raw command by the client's shape (ioredis also has a `sendCommand`, so it goes first). */
export function commandSender(client: RedisClientLike): SendCommand {
  const c = client as Partial<NodeRedisClientLike & IoRedisClientLike & RedisCommandAdapter>
  if (typeof c.send === 'function') {
    const send = c.send.bind(client)
    return (args) => send(args)
  }
  if (typeof c.call === 'function' && typeof c.evalsha === 'function') {
    const call = c.call.bind(client)
    return ([command, ...rest]) => call(command ?? '', ...rest)
  }
  if (typeof c.sendCommand === 'function' && typeof c.evalSha === 'function') {
    const sendCommand = c.sendCommand.bind(client)
    return (args) => sendCommand([...args])
  }
  throw new CurfewError({
    code: 'invalid_option',
    message: 'RedisStore needs a node-redis v5 client, an ioredis v5 client, or an adapter { send(args) }.',
  })
}

/** True for Redis's "script not in cache" error, whichever client raised it. */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}
