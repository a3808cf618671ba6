/** A minimal cookie-keeping HTTP client, like a browser tab (no redirects followed). */
export class Browser {
  readonly cookies = new Map<string, string>()

  async fetch(url: string, init: RequestInit & { html?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    if (init.html) headers.set('accept', 'text/html,application/xhtml+xml')
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  /** Signs in through the dev sign-in form at `origin` (through the proxy). */
  async signIn(origin: string, subject: string, policy?: string): Promise<Response> {
    const body = new URLSearchParams({ subject, rd: '/' })
    if (policy) body.set('policy', policy)
    return this.fetch(`${origin}/curfew/signin`, {
      method: 'POST',
      body,
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    })
  }
}
