import { createSessionManager, type SessionManager } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import { headers } from 'next/headers'

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

/**
 * The signed-in user's session for a Server Component, or null. Passive: rendering a page cannot send
 * the `Curfew-Session` header or a rotated cookie, so it only reads; the browser SDK reports activity.
 */
export async function currentSession() {
  const incoming = await headers()
  const auth = await curfew.authenticate(new Request('http://next.internal/', { headers: incoming }), {
    passive: true,
  })
  return auth.ok ? auth.session : null
}
