import {
  type BodyRead,
  declaredTooLarge,
  type HttpReply,
  type HttpRequestInfo,
  LimitedText,
} from '../../http'

/** The protocol layer's view of a Web `Request`. */
export function requestInfo(request: Request): HttpRequestInfo {
  let url: URL | undefined
  try {
    url = new URL(request.url)
  } catch {
    url = undefined
  }
  return {
    method: request.method.toUpperCase(),
    header: (name) => request.headers.get(name) ?? undefined,
    // `Host` is what the browser addressed; behind a proxy some runtimes build `request.url` from an
    // internal address instead, which would fail every same-origin check.
    host: request.headers.get('host')?.toLowerCase() ?? url?.host.toLowerCase(),
    path: url?.pathname ?? '',
  }
}

/** Headers as a `Headers` object: `Set-Cookie` values accumulate, any other name keeps its last value. */
export function toHeaders(headers: ReadonlyArray<[string, string]>): Headers {
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
