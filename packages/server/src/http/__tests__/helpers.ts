import type { HttpRequestInfo } from '../types'

/** A request as the protocol layer sees it, from a plain header record. */
export function fakeRequest(init: {
  method?: string
  host?: string
  headers?: Record<string, string>
}): HttpRequestInfo {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  return {
    method: init.method ?? 'GET',
    host: init.host ?? 'app.example.com',
    header: (name) => headers.get(name),
  }
}
