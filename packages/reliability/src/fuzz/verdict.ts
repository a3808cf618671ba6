import type { RawRequest, RawResponse } from '../harness/raw'

/** The refusals the protocol allows for client input; anything else (a 5xx above all) is a defect. */
export const REFUSALS = new Set([400, 401, 403, 405, 413])

/**
 * Judges one answer to a hostile request. Returns what is wrong, or `undefined` when the answer is
 * acceptable: a 2xx only for a request presenting the bait intact (or the public policy route), every
 * refusal one of the allowed statuses with a JSON body naming a typed `error` and `reason`.
 */
export function judge(input: {
  request: RawRequest
  response: RawResponse
  carriesBait: boolean
}): string | undefined {
  const { request, response } = input
  const { status } = response
  const publicRoute =
    request.path === '/session/policy' && (request.method === 'GET' || request.method === 'HEAD')
  if (status >= 200 && status < 300) {
    if (input.carriesBait || publicRoute) return undefined
    // Signing out is idempotent: without a live session it ends nothing and says so with `status: null`.
    if (request.path === '/signout' && JSON.parse(response.body).status === null) return undefined
    return `accepted without the bait token (${status}): ${response.body.slice(0, 200)}`
  }
  // Node's own parser limit (16 KiB of request head by default) answers before any adapter runs.
  if (status === 431 && headBytes(request) > 16 * 1024) return undefined
  if (!REFUSALS.has(status)) return `status ${status}: ${response.body.slice(0, 200)}`
  if (request.method === 'HEAD') return undefined
  if (!/^application\/json/.test(response.header('content-type') ?? '')) {
    return `status ${status} without JSON: ${response.header('content-type')} ${response.body.slice(0, 200)}`
  }
  let body: { error?: unknown; reason?: unknown }
  try {
    body = JSON.parse(response.body)
  } catch {
    return `status ${status} with unparsable JSON: ${response.body.slice(0, 200)}`
  }
  if (typeof body.error !== 'string' || typeof body.reason !== 'string') {
    return `status ${status} without a typed error/reason: ${response.body.slice(0, 200)}`
  }
  return undefined
}

/**
 * The request head as `rawRequest` sends it — request line, Host, the generated headers, framing — since
 * Node's limit counts all of it, not only the generated headers (a fuzz case just under 16 KiB of
 * headers was refused with 431 by the parser, rightly).
 */
function headBytes(request: RawRequest): number {
  const framing = Buffer.byteLength(
    `${request.method} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:65535\r\nContent-Length: 0000000\r\nConnection: close\r\n\r\n`,
  )
  return request.headers.reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`),
    framing,
  )
}
