import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CLIENT_HEADER, parseSessionHeader, SESSION_HEADER } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../index'
import type { SessionManager } from '../../../types'
import { createSessionHandler } from '../handler'

const T0 = Date.UTC(2026, 0, 1)
let manager: SessionManager | undefined

function setup(options: Parameters<typeof createSessionHandler>[1] = {}) {
  const clock = { now: T0 }
  manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
    now: () => clock.now,
  })
  return { clock, manager, curfew: createSessionHandler(manager, options) }
}

afterEach(async () => {
  await manager?.close()
})

describe('createSessionHandler', () => {
  it('sets a __Host- Secure cookie for a public https host', async () => {
    const { curfew } = setup()
    const signed = await curfew.signIn(new Request('https://app.example.com/login', { method: 'POST' }), {
      subject: 'u1',
    })
    const [cookie] = signed.headers.getSetCookie()
    expect(cookie).toMatch(
      /^__Host-curfew_session=s_[\w-]{16}\.[\w-]{43}; Max-Age=3600; Expires=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    )
    expect(parseSessionHeader(signed.headers.get(SESSION_HEADER))?.session).toBe(signed.session.handle)

    const pair = cookie!.split(';')[0]!
    const auth = await curfew.authenticate(
      new Request('https://app.example.com/api', { headers: { cookie: pair } }),
    )
    expect(auth.ok).toBe(true)
    // The same cookie without the prefix is not ours on a secure host.
    const planted = await curfew.authenticate(
      new Request('https://app.example.com/api', { headers: { cookie: pair.replace('__Host-', '') } }),
    )
    expect(planted.ok).toBe(false)
  })

  it('answers only under its base path, wherever that is', async () => {
    const { curfew } = setup({ basePath: '/api/session/' })
    expect(await curfew.handle(new Request('http://localhost/session'))).toBeNull()
    expect(await curfew.handle(new Request('http://localhost/api/sessionx'))).toBeNull()
    expect(await curfew.handle(new Request('http://localhost/api/session/other'))).toBeNull()
    const policy = await curfew.handle(new Request('http://localhost/api/session/policy'))
    expect(policy?.status).toBe(200)
    const status = await curfew.handle(new Request('http://localhost/api/session'))
    expect(status?.status).toBe(401)
    expect(await status?.json()).toMatchObject({ error: 'no_session', reason: 'missing' })
  })

  it('answers HEAD without a body', async () => {
    const { curfew } = setup()
    const response = await curfew.handle(new Request('http://localhost/session/policy', { method: 'HEAD' }))
    expect(response?.status).toBe(200)
    expect(await response?.text()).toBe('')
  })

  it('reads a streamed body under the limit and refuses one over it', async () => {
    const { curfew } = setup({ bodyLimit: 8 })
    const signed = await curfew.signIn(new Request('http://localhost/login'), { subject: 'u1' })
    const cookie = signed.headers.getSetCookie()[0]!.split(';')[0]!
    const stream = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const char of text) controller.enqueue(new TextEncoder().encode(char))
          controller.close()
        },
      })
    const post = (body: ReadableStream<Uint8Array>) =>
      curfew.handle(
        new Request('http://localhost/session/activity', {
          method: 'POST',
          headers: { cookie, [CLIENT_HEADER]: '1' },
          body,
          duplex: 'half',
        } as RequestInit),
      )
    expect((await post(stream('{"a":1}')))?.status).toBe(200)
    const tooLarge = await post(stream('{"a":"123456789"}'))
    expect(tooLarge?.status).toBe(413)
  })

  it('marks requests passive by option, and guards recent authentication', async () => {
    const { curfew, clock } = setup()
    const signed = await curfew.signIn(new Request('http://localhost/login'), { subject: 'u1' })
    const cookie = signed.headers.getSetCookie()[0]!.split(';')[0]!
    clock.now += 6 * 60_000
    const auth = await curfew.authenticate(new Request('http://localhost/api', { headers: { cookie } }), {
      passive: true,
    })
    if (!auth.ok) throw new Error('expected a session')
    expect(auth.status.idleExpiresAt).toBe(T0 + 15 * 60_000)
    expect(curfew.requireRecentAuth(auth, '10m')).toBeNull()
    const refusal = curfew.requireRecentAuth(auth, '5m')
    expect(refusal?.status).toBe(401)
    expect(await refusal?.json()).toMatchObject({ error: 'reauth_required', reason: 'auth_too_old' })
  })

  it('signs out with no session as a no-op that still clears the cookie', async () => {
    const { curfew } = setup()
    const out = await curfew.signOut(
      new Request('http://localhost/logout', { method: 'POST', headers: { [CLIENT_HEADER]: '1' } }),
    )
    if (!out.ok) throw new Error('expected the sign-out to succeed')
    expect(out.status).toBeNull()
    expect(out.headers.getSetCookie()[0]).toMatch(/^curfew_session=; Max-Age=0/)
    const forged = await curfew.signOut(
      new Request('http://localhost/logout', { method: 'POST', headers: { origin: 'https://evil.example' } }),
    )
    expect(forged).toMatchObject({ ok: false, response: { status: 403 } })
  })

  it('judges same-origin by the Host header the browser sent, not an internal request URL', async () => {
    const { curfew } = setup()
    const signed = await curfew.signIn(new Request('https://app.example.com/login'), { subject: 'u1' })
    const cookie = signed.headers.getSetCookie()[0]!.split(';')[0]!
    // A runtime behind a proxy: the URL names the internal listener, Host the public name.
    const response = await curfew.handle(
      new Request('http://10.0.0.7:3000/session/activity', {
        method: 'POST',
        headers: { host: 'app.example.com', origin: 'https://app.example.com', cookie },
      }),
    )
    expect(response?.status).toBe(200)
  })

  it('reads headers from the Node request given as incoming, and hands back the headers as pairs too', async () => {
    const { curfew } = setup()
    const signed = await curfew.signIn(new Request('http://127.0.0.1/login', { method: 'POST' }), {
      subject: 'u1',
    })
    const cookie = signed.headers.getSetCookie()[0]!.split(';')[0]!
    // A real Node server: the Web Request built inside carries no headers, the IncomingMessage does.
    const server = createServer(async (req, res) => {
      const auth = await curfew.authenticate(new Request(`http://127.0.0.1${req.url}`), { incoming: req })
      if (!auth.ok) {
        res.writeHead(auth.response.status).end(await auth.response.text())
        return
      }
      for (const [name, value] of auth.headerList) res.appendHeader(name, value)
      res.end(JSON.stringify({ subject: auth.session.subject, pairs: auth.headerList.length }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const answer = await fetch(`http://127.0.0.1:${port}/api`, { headers: { cookie } })
      expect(answer.status).toBe(200)
      expect(await answer.json()).toEqual({ subject: 'u1', pairs: 1 })
      expect(parseSessionHeader(answer.headers.get(SESSION_HEADER))?.session).toBe(signed.session.handle)
      expect((await fetch(`http://127.0.0.1:${port}/api`)).status).toBe(401)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }

    const auth = await curfew.authenticate(new Request('http://127.0.0.1/api', { headers: { cookie } }))
    if (!auth.ok) throw new Error('expected a session')
    expect(auth.headerList.map(([name]) => name)).toEqual([SESSION_HEADER])
    expect(auth.headers.get(SESSION_HEADER)).toBe(auth.headerList[0]![1])
    // Still writable.
    auth.headers = new Headers({ 'x-own': '1' })
    expect(auth.headers.get('x-own')).toBe('1')
  })
})
