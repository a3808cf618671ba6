import type { EndNoticeListener } from '../../watch/types'
import { keySlot } from './keys'

// Wait before subscribing again after the node was lost, doubling up to the cap.
const FIRST_RETRY_DELAY = 100
const MAX_RETRY_DELAY = 1000

/** A subscriber connection to one node, opened by {@link clusterNodeSubscribers}. */
interface NodeSubscription {
  /** Resolves once subscribed; rejects if the node cannot be reached. */
  readonly subscribed: Promise<void>
  close(): void
}

type OnMessage = (message: unknown) => void

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown
  once(event: string, listener: (...args: never[]) => void): unknown
}
interface IoRedisNode extends Emitter {
  options?: { host?: string; port?: number }
  duplicate(override?: Record<string, unknown>): IoRedisNode
  connect(): Promise<unknown>
  ssubscribe(channel: string): Promise<unknown>
  disconnect(): void
}
interface NodeRedisNode extends Emitter {
  options?: { socket?: Record<string, unknown> }
  duplicate(override?: Record<string, unknown>): NodeRedisNode
  connect(): Promise<unknown>
  sSubscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  destroy?(): void
  disconnect?(): Promise<unknown>
}
interface NodeRedisMaster {
  host?: string
  port?: number
}
type ClusterClient = {
  isCluster?: boolean
  nodes?(role: 'master' | 'all'): IoRedisNode[]
  masters?: readonly NodeRedisMaster[]
  nodeClient?(node: unknown): Promise<unknown> | unknown
}

/** Where a master listens, as the cluster announces it. */
interface Address {
  host: string
  port: number
}

/** Sends one command to some node of the cluster (the store's own routed `send`, without a key). */
type AskCluster = (args: readonly string[]) => Promise<unknown>

/** One node's connection, without the client library's own reconnect: a lost node is replaced by another. */
export type SubscribeOnNode = (
  channel: string,
  onMessage: OnMessage,
  onLost: () => void,
) => Promise<NodeSubscription>

/**
 * The master that owns `slot` now, as the cluster itself says (`CLUSTER SLOTS` on any node, through
 * the client): the client's own slot map may still name a master that has just died.
 */
export async function slotOwner(ask: AskCluster, slot: number): Promise<Address> {
  const ranges = (await ask(['CLUSTER', 'SLOTS'])) as Array<
    [unknown, unknown, [unknown, unknown, ...unknown[]]]
  >
  for (const [from, to, master] of ranges) {
    if (slot >= Number(from) && slot <= Number(to))
      return { host: String(master[0]), port: Number(master[1]) }
  }
  throw new Error(`no master owns slot ${slot}`)
}

/**
 * How to subscribe to a shard channel on a cluster client, or `undefined` when the client is not a
 * cluster. The channel's slot has one owner shard: the subscriber is our own connection to that
 * master (`SSUBSCRIBE`), found with {@link slotOwner} each time it (re)subscribes.
 *
 * Why not the client's own `ssubscribe` / `sSubscribe`: node-redis 5 and 6 follow a moved slot (on the
 * server's `sunsubscribe` they rediscover and subscribe again) but say nothing when they have; ioredis
 * 5.11 / 6 follow slots only with `shardedSubscribers: true` (off by default, so an application's
 * Cluster usually has it off), and their `subscribersReady` fires before the re-sent `SSUBSCRIBE`s
 * are answered (a failure only goes to the debug log). Notices published in between are lost, and
 * the watcher must re-check after every re-subscription: our own connection knows when it happens.
 *
 * The connection is lost when its node goes (a failover), when the node answers `MOVED` (the slot
 * moved before we subscribed), or when the node gives up the slot while we stay connected (Redis 7
 * then sends an unrequested `sunsubscribe`: node-redis reports it as `sharded-channel-moved`, ioredis 6
 * as `moved`, ioredis 5 as an `error`, its command queue being empty).
 */
export function clusterNodeSubscribers(client: unknown, ask: AskCluster): SubscribeOnNode | undefined {
  const cluster = client as ClusterClient
  if (cluster.isCluster === true && typeof cluster.nodes === 'function') {
    return async (channel, onMessage, onLost) => {
      const owner = await slotOwner(ask, keySlot(channel))
      const known = cluster.nodes!('all')
      // The connection copies a known node's options (credentials, TLS), at the owner's address.
      const node =
        known.find((n) => n.options?.host === owner.host && n.options?.port === owner.port) ?? known[0]
      if (!node) throw new Error('no node of the cluster is known yet')
      const subscriber = node.duplicate({
        host: owner.host,
        port: owner.port,
        readOnly: false,
        retryStrategy: () => null,
        lazyConnect: true,
        enableOfflineQueue: true,
      })
      subscriber.on('error', onLost)
      subscriber.on('moved', onLost)
      subscriber.on('smessage', ((from: string, message: string) => {
        if (from === channel) onMessage(message)
      }) as never)
      subscriber.once('end', onLost)
      const subscribed = subscriber
        .connect()
        .then(() => subscriber.ssubscribe(channel))
        .then(() => undefined)
      return { subscribed, close: () => subscriber.disconnect() }
    }
  }
  if (Array.isArray(cluster.masters) && typeof cluster.nodeClient === 'function') {
    return async (channel, onMessage, onLost) => {
      const owner = await slotOwner(ask, keySlot(channel))
      const master =
        cluster.masters!.find((m) => m.host === owner.host && m.port === owner.port) ?? cluster.masters![0]
      if (master === undefined) throw new Error('no node of the cluster is known yet')
      const node = (await cluster.nodeClient!(master)) as NodeRedisNode
      const same = master.host === owner.host && master.port === owner.port
      const subscriber = node.duplicate({
        socket: {
          ...node.options?.socket,
          ...(same ? {} : { host: owner.host, port: owner.port }),
          reconnectStrategy: false,
        },
      })
      // Without its reconnect, node-redis reports a lost socket as an `error` (no `end`), and the
      // client is done: any error means this connection is lost.
      subscriber.on('error', onLost)
      subscriber.on('sharded-channel-moved', onLost)
      const subscribed = subscriber
        .connect()
        .then(() => subscriber.sSubscribe(channel, onMessage))
        .then(() => undefined)
      return {
        subscribed,
        close: () => {
          try {
            if (typeof subscriber.destroy === 'function') subscriber.destroy()
            else subscriber.disconnect?.().catch(() => {})
          } catch {
            // Already closed (a lost socket closes the client).
          }
        },
      }
    }
  }
  return undefined
}

/**
 * Keeps one subscription in force on the master that owns the channel's slot: on a lost or unreachable
 * node, a `MOVED` or a slot given up, it asks the cluster for the owner again and subscribes there
 * (after a failover, the promoted replica), and tells the listener each time it is subscribed (again),
 * so the watcher re-checks what it may have missed.
 * Returns the function that ends it.
 */
export function subscribeOnCluster(options: {
  subscribeOnNode: SubscribeOnNode
  channel: string
  listener: Pick<EndNoticeListener, 'onReady'>
  onMessage: OnMessage
}): () => void {
  const { subscribeOnNode, channel, listener, onMessage } = options
  let closed = false
  let current: NodeSubscription | undefined
  let delay = FIRST_RETRY_DELAY
  let retry: ReturnType<typeof setTimeout> | undefined

  const again = () => {
    current?.close()
    current = undefined
    if (closed || retry !== undefined) return
    retry = setTimeout(() => {
      retry = undefined
      start()
    }, delay)
    retry.unref?.()
    delay = Math.min(delay * 2, MAX_RETRY_DELAY)
  }

  const start = () => {
    if (closed) return
    let lost = false
    const onLost = () => {
      if (lost) return
      lost = true
      again()
    }
    subscribeOnNode(channel, onMessage, onLost).then((subscription) => {
      if (closed || lost) {
        subscription.close()
        return
      }
      current = subscription
      subscription.subscribed.then(() => {
        if (closed || lost) return
        delay = FIRST_RETRY_DELAY
        listener.onReady()
      }, onLost)
    }, onLost)
  }

  start()
  return () => {
    closed = true
    if (retry !== undefined) clearTimeout(retry)
    current?.close()
    current = undefined
  }
}
