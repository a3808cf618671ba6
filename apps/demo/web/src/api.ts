/** Small JSON helpers for the demo API; session POSTs carry Curfew-Client like the SDK does. */
export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'Curfew-Client': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json().catch(() => ({}))) as T & { message?: string; error?: string }
  if (!response.ok) throw new Error(json.message ?? json.error ?? `HTTP ${response.status}`)
  return json
}

export interface DemoPolicy {
  name: string
  label: string
  idleTimeout: number
  absoluteTimeout: number
  warnBefore: number
  fingerprint: string
  source?: string
}

export interface DemoConfig {
  store: 'memory' | 'redis'
  instance: string
  policies: DemoPolicy[]
  /** The dev OpenID Provider, when the demo started one. */
  idp: { issuer: string } | null
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}:${String(s).padStart(2, '0')}`
}

/** A policy duration for people: '2 min', '30 s', '12 h'. */
export function formatSpan(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`
  if (ms % 60_000 === 0) return `${ms / 60_000} min`
  return `${Math.round(ms / 1000)} s`
}
