import type { Request } from 'express'
import type { CurfewRequestState } from '../../http'
import type { SessionInfo } from '../../types'

// Where a request's `curfew` and `session` live when not as own properties: in `res.locals`, which
// Express creates for every request (Express 4 and 5) as an `Object.create(null)` dictionary. Why not on
// `req` itself: Express re-parents each request (`Object.setPrototypeOf(req, app.request)`), after which
// V8 builds a new hidden class for every property added to it (~2 µs each, measured in
// bench/src/diag/middleware.js); a dictionary entry costs ~0.05 µs. Symbols keep them out of templates'
// `for…in` over locals.
const CURFEW = Symbol('curfew.state')
const SESSION = Symbol('curfew.session')
const INSTALLED = Symbol('curfew.accessors')

type Slots = { [CURFEW]?: CurfewRequestState | null; [SESSION]?: SessionInfo | undefined }
type Carrier = Request & { res?: { locals?: unknown } }

function slotsOf(req: Carrier): Slots | undefined {
  const locals = req.res?.locals
  return typeof locals === 'object' && locals !== null ? (locals as Slots) : undefined
}

/**
 * An accessor, defined once on an app's request prototype, that reads `req[name]` from the request's
 * slots. Assigning `req[name]` (express-session, the app) defines an own data property instead, exactly
 * what a plain assignment did before; deleting that property uncovers the slot again.
 */
function accessor(name: 'curfew' | 'session', key: typeof CURFEW | typeof SESSION): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(this: Carrier) {
      return slotsOf(this)?.[key]
    },
    set(this: Carrier, value: unknown) {
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true })
    },
  }
}

/**
 * Defines the accessors on the request prototype of the request's app and of every app it is mounted
 * in (a mounted app restores its parent's prototype when it hands the request back), once each. Returns
 * false when this request cannot use them (not re-parented by Express, or an app defines the names itself).
 */
function installed(req: Carrier): boolean {
  const proto = Object.getPrototypeOf(req) as Record<PropertyKey, unknown> | null
  if (proto === null) return false
  if (proto[INSTALLED] === true) return true
  let usable = false
  for (let app = req.app as { request?: object; parent?: unknown } | undefined; app; ) {
    const request = app.request as Record<PropertyKey, unknown> | undefined
    if (request && request[INSTALLED] === undefined) {
      const own = Object.hasOwn(request, 'curfew') || Object.hasOwn(request, 'session')
      if (!own) {
        Object.defineProperties(request, {
          curfew: accessor('curfew', CURFEW),
          session: accessor('session', SESSION),
        })
      }
      Object.defineProperty(request, INSTALLED, { value: !own })
    }
    if (request === proto) usable = request[INSTALLED] === true
    app = app.parent as typeof app
  }
  return usable
}

/** Puts the session on the request: `req.curfew` always, `req.session` unless something else owns it. */
export function attachState(req: Request, state: CurfewRequestState | null): void {
  const slots = slotsOf(req)
  if (slots === undefined || !installed(req)) {
    attachOwn(req, state)
    return
  }
  // `req.session` is ours when it is the session an earlier run put in `req.curfew` (a second run may
  // replace its own). Found by identity rather than a WeakSet: no GC-tracked entry per request.
  const previous = req.curfew
  if (Object.hasOwn(req, 'curfew')) req.curfew = state
  else slots[CURFEW] = state
  const current: unknown = req.session
  // express-session (or similar) put its own object there: leave it alone, `req.curfew` has ours.
  if (typeof current === 'object' && current !== null && current !== previous?.session) return
  if (Object.hasOwn(req, 'session')) delete req.session
  slots[SESSION] = state ? state.session : undefined
}

/** The same with own properties: requests Express did not set up (no `res.locals`, no app prototype). */
function attachOwn(req: Request, state: CurfewRequestState | null): void {
  const previous = (req as { curfew?: CurfewRequestState | null }).curfew
  req.curfew = state
  const current: unknown = (req as { session?: unknown }).session
  if (typeof current === 'object' && current !== null && current !== previous?.session) return
  if (state) {
    req.session = state.session
  } else {
    delete req.session
  }
}
