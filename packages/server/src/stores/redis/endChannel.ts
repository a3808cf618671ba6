import type { ExpiryReason } from '@curfew/core'
import type { EndNotice, EndNoticeChannel, EndNoticeListener } from '../../watch/types'
import type { SendCommand } from './client'
import { clusterNodeSubscribers, subscribeOnCluster } from './clusterSubscriber'

// A notice is tiny and comes from our own servers, but the channel is open to anyone who can PUBLISH:
// only a short handle and a reason-shaped word are ever believed.
const HANDLE_RE = /^[A-Za-z0-9_-]{1,128}$/
const REASON_RE = /^[a-z_]{1,40}$/

/** Encodes a notice for the wire. */
export function encodeNotice(notice: EndNotice): string {
  return JSON.stringify({ s: notice.session, r: notice.reason })
}

/** Decodes a notice, or `undefined` for anything that is not one. */
export function decodeNotice(message: unknown): EndNotice | undefined {
  if (typeof message !== 'string' || message.length > 512) return undefined
  try {
    const value = JSON.parse(message) as { s?: unknown; r?: unknown }
    if (typeof value.s !== 'string' || !HANDLE_RE.test(value.s)) return undefined
    if (typeof value.r !== 'string' || !REASON_RE.test(value.r)) return undefined
    return { session: value.s, reason: value.r as ExpiryReason }
  } catch {
    return undefined
  }
}

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown
}
/** ioredis: `duplicate()` connects by itself; messages arrive as `message` events. */
interface IoRedisSubscriber extends Emitter {
  status?: string
  connect?(): Promise<unknown>
  subscribe(channel: string): Promise<unknown>
  disconnect(): void
}
/** node-redis v4/v5: `duplicate()` must be connected; a listener is given to `subscribe`. */
interface NodeRedisSubscriber extends Emitter {
  connect(): Promise<unknown>
  isOpen?: boolean
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  destroy?(): void
  disconnect?(): Promise<unknown>
}
type Duplicable = { duplicate(): unknown; call?: unknown }

/**
 * Session-end notices over Redis pub/sub. Publishing goes through the store's own client; each manager
 * that watches opens ONE subscriber connection.
 *
 * - Single node: plain `PUBLISH` / `SUBSCRIBE` on a `duplicate()` of the client. (`SPUBLISH` would
 *   work on one Redis 7 node too, but gains nothing there and would shut out Redis 6.)
 * - Cluster: sharded pub/sub (Redis 7). `SPUBLISH`, routed by the channel's slot, reaches only the
 *   shard that owns it, where a plain `PUBLISH` is copied to every node over the cluster bus. The
 *   subscriber is a connection to that shard's master that follows the slot to its new owner on a
 *   failover or a `MOVED` ({@link subscribeOnCluster}).
 *
 * Whenever the subscriber (re)subscribes, the listener's `onReady` runs so the watcher re-checks what
 * it may have missed. Without `duplicate()` (a bare `{ send }` adapter) there is no channel:
 * `undefined`.
 */
export function redisEndChannel(options: {
  client: unknown
  send: SendCommand
  channel: string
}): EndNoticeChannel | undefined {
  const { send, channel } = options
  const client = options.client as Partial<Duplicable>
  if (typeof client.duplicate !== 'function') return undefined
  const ioredis = typeof client.call === 'function'
  const subscribeOnNode = clusterNodeSubscribers(client, (args) => send(args))
  // On a cluster the notice goes to the channel's own shard only (routed by the channel's slot).
  const publishCommand = subscribeOnNode ? 'SPUBLISH' : 'PUBLISH'
  return {
    async publish(notice) {
      try {
        await send([publishCommand, channel, encodeNotice(notice)], channel)
      } catch {
        // The revoke itself went through the store; a subscriber that missed this re-checks on reconnect.
      }
    },
    subscribe(listener: EndNoticeListener) {
      const deliver = (message: unknown) => {
        const notice = decodeNotice(message)
        if (notice) listener.onNotice(notice)
      }
      if (subscribeOnNode) {
        const stop = subscribeOnCluster({ subscribeOnNode, channel, listener, onMessage: deliver })
        return async () => stop()
      }
      let closed = false
      const subscriber = (client as Duplicable).duplicate() as IoRedisSubscriber & NodeRedisSubscriber
      // Errors are reported through the store's client already; an unhandled `error` event would crash.
      subscriber.on('error', () => {})
      const ready = () => {
        if (!closed) listener.onReady()
      }
      if (ioredis) {
        subscriber.on('message', ((from: string, message: string) => {
          if (from === channel) deliver(message)
        }) as never)
        // On every (re)connection: subscribe (idempotent, and works with enableOfflineQueue: false),
        // then re-check what may have been missed while not subscribed.
        subscriber.on('ready', () => {
          if (!closed) subscriber.subscribe(channel).then(ready, () => {})
        })
        if (subscriber.status === 'wait') subscriber.connect?.().catch(() => {})
      } else {
        // node-redis subscribes again by itself after a reconnect, before `ready`.
        let subscribedOnce = false
        subscriber.on('ready', () => {
          if (subscribedOnce) ready()
        })
        const start = (): void => {
          ;(subscriber.isOpen ? Promise.resolve() : subscriber.connect())
            .then(() => subscriber.subscribe(channel, deliver))
            .then(
              () => {
                subscribedOnce = true
                ready()
              },
              () => {
                if (!closed) setTimeout(start, 1000).unref?.()
              },
            )
        }
        start()
      }
      return async () => {
        closed = true
        try {
          if (ioredis) (subscriber as IoRedisSubscriber).disconnect()
          else if (typeof subscriber.destroy === 'function') subscriber.destroy()
          else await subscriber.disconnect?.()
        } catch {
          // Already closed.
        }
      }
    },
  }
}
