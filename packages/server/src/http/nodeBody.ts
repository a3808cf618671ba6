import { declaredTooLarge, LimitedText } from './body'
import type { BodyRead } from './types'

/** The part of a Node `IncomingMessage` (or any Node readable) the reader uses. */
export interface NodeReadable {
  readonly headers?: Record<string, string | string[] | undefined>
  readonly readableEnded?: boolean
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown
  on(event: 'end' | 'error' | 'aborted', listener: () => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  resume(): unknown
}

/**
 * Reads a Node request body up to `limit` bytes. Past the limit it stops collecting and lets the rest
 * drain (destroying the stream would also kill the socket the 413 must go out on).
 */
export function readNodeBody(stream: NodeReadable, limit: number): Promise<BodyRead> {
  if (stream.readableEnded) return Promise.resolve({ ok: true, consumed: true })
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
  })
}
