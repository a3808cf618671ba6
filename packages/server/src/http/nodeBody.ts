import { declaredTooLarge, LimitedText } from './body'
import type { BodyRead } from './types'

/** The part of a Node `IncomingMessage` (or any Node readable) the reader uses. */
export interface NodeReadable {
  readonly headers?: Record<string, string | string[] | undefined>
  readonly readableEnded?: boolean
  readonly destroyed?: boolean
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown
  on(event: 'end' | 'error' | 'aborted' | 'close', listener: () => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  resume(): unknown
}

/**
 * Reads a Node request body up to `limit` bytes. Past the limit it stops collecting and lets the rest
 * drain (destroying the stream would also kill the socket the 413 must go out on).
 */
export function readNodeBody(stream: NodeReadable, limit: number): Promise<BodyRead> {
  if (stream.readableEnded) return Promise.resolve({ ok: true, consumed: true })
  // A client that went away before its body was read: nothing more will ever arrive, and a destroyed
  // stream emits neither 'end' nor 'error', so waiting for them would hold the request forever.
  if (stream.destroyed) return Promise.resolve(new LimitedText(limit).result())
  const length = stream.headers?.['content-length']
  if (declaredTooLarge(typeof length === 'string' ? length : undefined, limit)) {
    stream.resume()
    return Promise.resolve({ ok: false, reason: 'body_too_large' })
  }
  return new Promise((resolve) => {
    const text = new LimitedText(limit)
    const finish = (): void => {
      stream.removeListener('data', onData)
      stream.removeListener('end', finish)
      stream.removeListener('error', finish)
      stream.removeListener('aborted', finish)
      stream.removeListener('close', finish)
      stream.resume()
      resolve(text.result())
    }
    const onData = (chunk: Uint8Array | string): void => {
      if (!text.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk)) finish()
    }
    stream.on('data', onData)
    stream.on('end', finish)
    stream.on('error', finish)
    stream.on('aborted', finish)
    stream.on('close', finish)
  })
}
