import { createSessionManager, type SessionManager } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import { cookies, headers } from 'next/headers'

// Route handlers and Server Components are bundled separately, so a plain module-level manager could
// exist twice (two MemoryStores that do not know each other's sessions). One per process, kept on
// globalThis. With RedisStore, every copy would share the store and this would not matter.
const shared = globalThis as typeof globalThis & { curfewManager?: SessionManager }

shared.curfewManager ??= createSessionManager({
  policy: {
    idleTimeout: process.env.CURFEW_IDLE ?? '15m',
    absoluteTimeout: process.env.CURFEW_ABSOLUTE ?? '12h',
    ...(process.env.CURFEW_WARN ? { warnBefore: process.env.CURFEW_WARN } : {}),
  },
})
export const manager = shared.curfewManager

/** The session routes live in app/session/[[...path]]/route.ts, so the base path is the default `/session`. */
export const curfew = createSessionHandler(manager)

// README:start (packages/server/README.md, Next.js section; readme.test.ts compares)
/**
 * For Server Components: the session from the request's cookie, or null. Passive: a page cannot send the
 * `Curfew-Session` header or a renewed cookie, so it extends nothing (the browser SDK reports activity).
 * `Host` only picks the cookie's name, as on every session route: `curfew_session` on localhost and
 * 127.0.0.1, else `__Host-curfew_session` (Secure).
 */
export async function currentSession() {
  const cookieStore = await cookies()
  const request = new Request('http://next.internal/', { headers: { cookie: cookieStore.toString() } })
  const host = (await headers()).get('host')
  if (host) request.headers.set('host', host)
  const auth = await curfew.authenticate(request, { passive: true })
  return auth.ok ? auth.session : null
}
// README:end
