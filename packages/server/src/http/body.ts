import { badRequestReply } from './replies'
import type { BodyRead, HttpReply } from './types'

/**
 * Session POSTs need no body; one is tolerated when it is small JSON (future fields), so a client that
 * sends `{}` keeps working. Anything else is answered before the manager is asked.
 */
export function checkBody(read: BodyRead, serverTime: number): HttpReply | null {
  if (!read.ok) return badRequestReply('body_too_large', serverTime)
  if ('consumed' in read) return null
  if (read.text.trim() === '') return null
  try {
    JSON.parse(read.text)
    return null
  } catch {
    return badRequestReply('malformed_json', serverTime)
  }
}

/** Collects body chunks up to a byte limit. Adapters feed it from their own streams. */
export class LimitedText {
  private readonly decoder = new TextDecoder()
  private size = 0
  private text = ''

  constructor(private readonly limit: number) {}

  /** Adds a chunk; `false` once the limit is passed (the caller stops reading). */
  push(chunk: Uint8Array): boolean {
    this.size += chunk.byteLength
    if (this.size > this.limit) return false
    this.text += this.decoder.decode(chunk, { stream: true })
    return true
  }

  result(): BodyRead {
    if (this.size > this.limit) return { ok: false, reason: 'body_too_large' }
    return { ok: true, text: this.text + this.decoder.decode() }
  }
}

/** True when a declared `Content-Length` already exceeds the limit (answer without reading). */
export function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false
  const length = Number(contentLength)
  return !Number.isFinite(length) || length > limit
}
