import { connect } from 'node:net'

/** A request written byte for byte: header lines exactly as given (duplicates, odd case, raw bytes). */
export interface RawRequest {
  method: string
  path: string
  /** Sent in this order, each as its own line; values are written as UTF-8. */
  headers: Array<[string, string]>
  body?: string | Buffer
}

/** A parsed answer: status, header lines (lower-cased names, duplicates kept) and the body as text. */
export interface RawResponse {
  status: number
  headers: Array<[string, string]>
  body: string
  header(name: string): string | undefined
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at)
    if (eol < 0) break
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(body.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(parts)
}

function parse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0)
    throw new Error(`incomplete response: ${JSON.stringify(data.toString('latin1').slice(0, 200))}`)
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
  })
  let body = data.subarray(end + 4)
  if (headers.some(([name, value]) => name === 'transfer-encoding' && /chunked/i.test(value))) {
    body = dechunk(body)
  }
  return {
    status,
    headers,
    body: body.toString('utf8'),
    header: (name) => headers.find(([key]) => key === name)?.[1],
  }
}

/**
 * Sends one HTTP/1.1 request over a fresh TCP connection (`Connection: close`) and reads the whole
 * answer. Unlike fetch, nothing is normalised: duplicated headers stay duplicated, values keep their
 * bytes. Rejects after `timeoutMs` so a hanging server fails the test instead of stalling it.
 */
export function rawRequest(
  target: { port: number; timeoutMs?: number },
  request: RawRequest,
): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body)
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: 127.0.0.1:${target.port}`]
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  if (body !== undefined) lines.push(`Content-Length: ${body.length}`)
  lines.push('Connection: close', '', '')
  const head = Buffer.from(lines.join('\r\n'), 'utf8')
  return new Promise((resolve, reject) => {
    const socket = connect({ port: target.port, host: '127.0.0.1' })
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new Error(`no answer within ${target.timeoutMs ?? 10_000} ms: ${request.method} ${request.path}`),
      )
    }, target.timeoutMs ?? 10_000)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      try {
        resolve(parse(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
    socket.write(body === undefined ? head : Buffer.concat([head, body]))
  })
}
