import type { EndNoticeListener } from '../../watch/types'

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
  duplicate(override?: Record<string, unknown>): IoRedisNode
  connect(): Promise<unknown>
  subscribe(channel: string): Promise<unknown>
  disconnect(): void
}
interface NodeRedisNode extends Emitter {
  options?: { socket?: Record<string, unknown> }
  duplicate(override?: Record<string, unknown>): NodeRedisNode
  connect(): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  destroy?(): void
  disconnect?(): Promise<unknown>
}
type ClusterClient = {
  isCluster?: boolean
  nodes?(role: 'master'): IoRedisNode[]
  masters?: readonly unknown[]
  nodeClient?(node: unknown): Promise<unknown> | unknown
}

/** One node's connection, without the client library's own reconnect: a lost node is replaced by another. */
type SubscribeOnNode = (
  channel: string,
  onMessage: OnMessage,
  onLost: () => void,
) => Promise<NodeSubscription>

/**
 * How to subscribe on one node of a cluster client, or `undefined` when the client is not a cluster.
 * ioredis `Cluster` and node-redis `createCluster()` both re-subscribe by themselves after losing
 * their pub/sub node, but tell nobody when they have: the notices published meanwhile are lost and
 * the watcher would never re-check. So on a cluster the channel keeps its own connection to one
 * master (a plain `PUBLISH` reaches every node of a cluster) and knows each time it subscribes.
 */
export function clusterNodeSubscribers(client: unknown): SubscribeOnNode | undefined {
  const cluster = client as ClusterClient
  if (cluster.isCluster === true && typeof cluster.nodes === 'function') {
    const masters = () => cluster.nodes!('master')
    return async (channel, onMessage, onLost) => {
      const node = pick(masters())
      if (!node) throw new Error('no node of the cluster is known yet')
      const subscriber = node.duplicate({
        retryStrategy: () => null,
        lazyConnect: true,
        enableOfflineQueue: true,
      })
      subscriber.on('error', () => {})
      subscriber.on('message', ((from: string, message: string) => {
        if (from === channel) onMessage(message)
      }) as never)
      subscriber.once('end', onLost)
      const subscribed = subscriber
        .connect()
        .then(() => subscriber.subscribe(channel))
        .then(() => undefined)
      return { subscribed, close: () => subscriber.disconnect() }
    }
  }
  if (Array.isArray(cluster.masters) && typeof cluster.nodeClient === 'function') {
    return async (channel, onMessage, onLost) => {
      const master = pick(cluster.masters!)
      if (master === undefined) throw new Error('no node of the cluster is known yet')
      const node = (await cluster.nodeClient!(master)) as NodeRedisNode
      const subscriber = node.duplicate({ socket: { ...node.options?.socket, reconnectStrategy: false } })
      // Without its reconnect, node-redis reports a lost socket as an `error` (no `end`), and the
      // client is done: any error means this connection is lost.
      subscriber.on('error', onLost)
      const subscribed = subscriber
        .connect()
        .then(() => subscriber.subscribe(channel, onMessage))
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

function pick<T>(list: readonly T[]): T | undefined {
  return list[Math.floor(Math.random() * list.length)]
}

/**
 * Keeps one subscription in force on some master of the cluster: on a lost or unreachable node it
 * subscribes on another (any master: the cluster forwards every `PUBLISH` to every node), and tells
 * the listener each time it is subscribed (again), so the watcher re-checks what it may have missed.
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
