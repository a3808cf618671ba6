import { CurfewError } from '@curfew/core'
import { keySlot } from './keys'

/**
 * The shapes of Redis client `RedisStore` accepts, single node or cluster. Typed structurally so that
 * `@curfew/server` needs neither `redis` nor `ioredis` at runtime or in its type declarations.
 */

/** A node-redis v5/v6 client (`createClient()` from `redis`): detected by `sendCommand` + `evalSha`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>
  evalSha(...args: never[]): unknown
}

/**
 * A node-redis v5/v6 cluster (`createCluster()` from `redis`): detected by `nodeClient` + `masters`.
 * Commands are routed by their key; MOVED, ASK and failovers are the cluster client's business.
 */
export interface NodeRedisClusterLike {
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>
  readonly masters: readonly unknown[]
  nodeClient(node: never): unknown
}

/** An ioredis v5/v6 client (`new Redis()`): detected by `call` + `evalsha`. */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>
  evalsha(...args: never[]): unknown
}

/** An ioredis v5/v6 cluster (`new Cluster([...])`): an ioredis client with `isCluster` and `nodes()`. */
export interface IoRedisClusterLike extends IoRedisClientLike {
  readonly isCluster: boolean
  nodes(role?: 'master' | 'slave' | 'all'): IoRedisClientLike[]
}

/**
 * Any other client, through an adapter that sends one command and resolves with its reply (bulk
 * strings as strings, arrays as arrays, errors as rejections whose message starts with the Redis error
 * code, e.g. `NOSCRIPT`). On a cluster, route by `key` (the command's first key, absent for `TIME` and
 * `SCAN`) and list the masters' own adapters in `masters()` (used by `scan`). With `waitForReplicas`,
 * the `WAIT` after a revoke comes with the key of the script it follows: send it on the connection that
 * script went to (`WAIT` counts that connection's writes).
 *
 * @example
 * const client: RedisCommandAdapter = { send: (args) => myClient.command(args) }
 */
export interface RedisCommandAdapter {
  send(args: readonly string[], key?: string): Promise<unknown>
  masters?(): Promise<readonly RedisCommandAdapter[]>
}

/** What `RedisStore({ client })` accepts. */
export type RedisClientLike =
  | NodeRedisClientLike
  | NodeRedisClusterLike
  | IoRedisClientLike
  | IoRedisClusterLike
  | RedisCommandAdapter

/** Sends one command, routed by `key` on a cluster, whatever the client. */
export type SendCommand = (args: readonly string[], key?: string) => Promise<unknown>

/** One way to talk to a client: send routed commands, and reach every master (for `SCAN`). */
export interface Connection {
  readonly send: SendCommand
  masters(): Promise<SendCommand[]>
  /**
   * On a cluster client: the address of the master the client's slot map routes `slot` to now
   * (`undefined` while it maps none). Absent on one node and for adapters.
   */
  readonly masterAt?: (slot: number) => string | undefined
  /**
   * Sends a keyless command (`WAIT`) on the very connection that commands on `key` went to — on a
   * cluster, the connection to the master of `key`'s slot — since `WAIT` counts that connection's
   * writes. Rejects when the client maps no node for the slot.
   */
  readonly sendBeside: (args: readonly string[], key: string) => Promise<unknown>
}

type AnyClient = Partial<
  NodeRedisClientLike & NodeRedisClusterLike & IoRedisClusterLike & RedisCommandAdapter
> & { sendCommand?: (...args: never[]) => Promise<unknown> }

/** Picks the way to send a raw command by the client's shape (ioredis also has `sendCommand`: it goes first). */
export function connectionOf(client: RedisClientLike): Connection {
  const c = client as AnyClient
  if (typeof c.send === 'function') {
    const send = c.send.bind(client)
    const masters = c.masters?.bind(client)
    return {
      send: (args, key) => send(args, key),
      // The adapter routes by key: on a cluster, to the key's master.
      sendBeside: (args, key) => send(args, key),
      masters: async () =>
        masters ? (await masters()).map((node) => connectionOf(node).send) : [(args) => send(args)],
    }
  }
  if (typeof c.call === 'function' && typeof c.evalsha === 'function') {
    const send = ioredisSender(client as IoRedisClientLike)
    const cluster = client as IoRedisClusterLike
    const connection: Connection = {
      send,
      sendBeside: (args) => send(args),
      // ioredis routes `call` by the command's keys (EVALSHA by numkeys) itself.
      masters: async () => (cluster.isCluster ? cluster.nodes('master').map(ioredisSender) : [send]),
    }
    if (!cluster.isCluster) return connection
    // `slots[slot]` lists the slot's nodes as "host:port", its master first.
    const map = client as { readonly slots?: ReadonlyArray<readonly string[] | undefined> }
    const masterAt = (slot: number) => map.slots?.[slot]?.[0]
    return {
      ...connection,
      masterAt,
      // A keyless command goes to a random node: send it on the connection (one per node) that the
      // cluster routes `key` to, found by the address its slot map gives.
      sendBeside: async (args, key) => {
        const address = masterAt(keySlot(key))
        const node = cluster.nodes('master').find((n) => {
          const options = (n as { options?: { host?: string; port?: number } }).options
          return `${options?.host}:${options?.port}` === address
        })
        if (!node) throw new Error(`RedisStore: no connection to the master of ${key} (${address})`)
        return ioredisSender(node)(args)
      },
    }
  }
  if (typeof c.sendCommand === 'function' && typeof c.nodeClient === 'function' && c.masters) {
    const cluster = client as NodeRedisClusterLike
    const failed = rediscoveryOnFailure(cluster)
    // The getter returns the current map (a rediscovery replaces it): read it at each lookup.
    const slots = cluster as { readonly slots?: ReadonlyArray<{ master?: { address?: string } } | undefined> }
    return {
      masterAt: (slot) => slots.slots?.[slot]?.master?.address,
      // Never read from a replica: it may not have seen a revoke yet.
      send: (args, key) => cluster.sendCommand(key, false, [...args]).catch(failed),
      // Routed by `key`, on the slot master's one connection.
      sendBeside: (args, key) => cluster.sendCommand(key, false, [...args]),
      masters: async () =>
        Promise.all(
          cluster.masters.map(async (master) => {
            const node = (await cluster.nodeClient(master as never)) as NodeRedisClientLike
            return (args: readonly string[]) => node.sendCommand([...args])
          }),
        ),
    }
  }
  if (typeof c.sendCommand === 'function' && typeof c.evalSha === 'function') {
    const node = client as NodeRedisClientLike
    const send: SendCommand = (args) => node.sendCommand([...args])
    return { send, sendBeside: send, masters: async () => [send] }
  }
  throw new CurfewError({
    code: 'invalid_option',
    message:
      'RedisStore needs a node-redis v5/v6 client or cluster, an ioredis v5/v6 client or Cluster, or an ' +
      'adapter { send(args, key?) }.',
  })
}

/** The part of node-redis's cluster internals that re-reads the slot map (`_slots.rediscover`). */
interface NodeRedisSlots {
  rediscover?(startWith: unknown): Promise<void>
}

/** Least time between two rediscoveries asked for by failed commands. */
const REDISCOVER_EVERY = 250

/**
 * node-redis 5's cluster re-reads the slot map only on a `MOVED` or `ASK` reply, which a dead master
 * never sends: after a failover its slots would stay routed to the dead node until the app restarts
 * (node-redis 6 refreshes on reconnection attempts by itself). So a failed command (other than
 * `NOSCRIPT`, the store's own protocol) asks for a rediscovery, started from a master that still
 * answers, at most every `REDISCOVER_EVERY` ms; the command still fails (closed) and a later one finds
 * the promoted replica. Without `_slots.rediscover` (another client or a future major) nothing is done.
 */
function rediscoveryOnFailure(cluster: NodeRedisClusterLike): (error: unknown) => never {
  let last = 0
  return (error) => {
    const slots = (cluster as { _slots?: NodeRedisSlots })._slots
    const now = Date.now()
    if (typeof slots?.rediscover === 'function' && !isNoScript(error) && now - last >= REDISCOVER_EVERY) {
      last = now
      const masters = cluster.masters as ReadonlyArray<{ client?: { isReady?: boolean } }>
      const from = masters.find((m) => m.client?.isReady)?.client ?? masters[0]?.client
      // A failed rediscovery is reported on the cluster's 'error' listener; nothing to do here.
      if (from) slots.rediscover(from).catch(() => {})
    }
    throw error
  }
}

function ioredisSender(client: IoRedisClientLike): SendCommand {
  const call = client.call.bind(client)
  // A check's GET takes the first branch: no rest array and no spread call on the hot path.
  return (args) => (args.length === 2 ? call(args[0]!, args[1]!) : call(args[0] ?? '', ...args.slice(1)))
}

/** The routed command sender of any accepted client (for tools and tests that send raw commands). */
export function commandSender(client: RedisClientLike): SendCommand {
  return connectionOf(client).send
}

/** True for Redis's "script not in cache" error, whichever client raised it. */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}
