import {
  type BodyRead,
  declaredTooLarge,
  type HttpReply,
  type HttpRequestInfo,
  LimitedText,
} from '../../http'
import type { IncomingHeaders } from './handler'

/**
 * The protocol layer's view of a Web `Request`. The URL is parsed only when a rule asks for the path or
 * (without a `Host` header) the host; the path of an `http(s)` URL is cut out of `request.url` directly,
 * which a `Request` always serialises in normal form. They live on the prototype, so an object spread
 * would drop them: copy with `withUrl` (http/) instead.
 */
class WebRequestInfo implements HttpRequestInfo {
  readonly method: string
  readonly #request: Request
  readonly #nodeHeaders: IncomingHeaders['headers'] | undefined
  #host: string | undefined | null = null
  #path: string | null = null

  constructor(request: Request, incoming: IncomingHeaders | undefined) {
    this.#request = request
    this.#nodeHeaders = incoming?.headers
    this.method = request.method.toUpperCase()
  }

  header(name: string): string | undefined {
    const nodeHeaders = this.#nodeHeaders
    if (nodeHeaders === undefined) return this.#request.headers.get(name) ?? undefined
    const value = nodeHeaders[name]
    return Array.isArray(value) ? value.join(', ') : value
  }

  // `Host` is what the browser addressed; behind a proxy some runtimes build `request.url` from an
  // internal address instead, which would fail every same-origin check.
  get host(): string | undefined {
    if (this.#host === null) {
      this.#host = this.header('host')?.toLowerCase() ?? parse(this.#request.url)?.host.toLowerCase()
    }
    return this.#host
  }

  get path(): string {
    if (this.#path === null) this.#path = pathOf(this.#request.url)
    return this.#path
  }
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/**
 * The path of a serialised `http(s)` URL, cut out without the URL parser: from the first `/` after the
 * authority up to `?` or `#` (neither occurs in a serialised host or path). Anything a serialiser would
 * not have written (no `/` before `?`/`#`, `%`, `\\`, dot segments, characters outside printable ASCII)
 * goes through the parser, so the answer is always what `new URL(url).pathname` says.
 */
export function pathOf(url: string): string {
  const from = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : -1
  if (from !== -1) {
    let start = -1
    let end = url.length
    for (let i = from; i < url.length; i++) {
      const c = url.charCodeAt(i)
      if (c === 63 || c === 35) {
        end = i
        break
      }
      if (start === -1) {
        if (c === 47) start = i
      } else if (c === 37 || c === 92 || c < 33 || c > 126 || (c === 46 && url.charCodeAt(i - 1) === 47)) {
        start = -2
        break
      }
    }
    if (start >= 0) return url.slice(start, end)
    if (start === -1 && end === url.length) return '/'
  }
  return parse(url)?.pathname ?? ''
}

/**
 * The protocol layer's view of a Web `Request`; with `incoming` (the Node request behind it), headers are
 * read from Node's plain header object instead of `request.headers`.
 */
export function requestInfo(request: Request, incoming?: IncomingHeaders): HttpRequestInfo {
  return new WebRequestInfo(request, incoming)
}

/** Headers as a `Headers` object: `Set-Cookie` values accumulate, any other name keeps its last value. */
export function toHeaders(headers: ReadonlyArray<readonly [string, string]>): Headers {
  const result = new Headers()
  for (const [name, value] of headers) {
    if (name.toLowerCase() === 'set-cookie') result.append(name, value)
    else result.set(name, value)
  }
  return result
}

/** A protocol answer as a `Response`. */
export function toResponse(reply: HttpReply, method: string): Response {
  const body = method === 'HEAD' ? null : JSON.stringify(reply.body)
  return new Response(body, { status: reply.status, headers: toHeaders(reply.headers) })
}

/** Reads a Web request body up to `limit` bytes, cancelling the stream past it. */
export async function readWebBody(request: Request, limit: number): Promise<BodyRead> {
  if (request.bodyUsed) return { ok: true, consumed: true }
  if (declaredTooLarge(request.headers.get('content-length') ?? undefined, limit)) {
    return { ok: false, reason: 'body_too_large' }
  }
  if (request.body === null) return { ok: true, text: '' }
  const text = new LimitedText(limit)
  const reader = request.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!text.push(value)) {
        await reader.cancel().catch(() => undefined)
        break
      }
    }
  } catch {
    // A client that aborts mid-body gets no answer anyway; treat what arrived as the body.
  }
  return text.result()
}
