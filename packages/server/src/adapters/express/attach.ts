import type { Request } from 'express'
import type { CurfewRequestState } from '../../http'

/** Puts the session on the request: `req.curfew` always, `req.session` unless something else owns it. */
export function attachState(req: Request, state: CurfewRequestState | null): void {
  // `req.session` is ours when it is the session an earlier run put in `req.curfew` (a second run may
  // replace its own). Found by identity rather than a WeakSet: no GC-tracked entry per request.
  const previous = (req as { curfew?: CurfewRequestState | null }).curfew
  req.curfew = state
  const current: unknown = (req as { session?: unknown }).session
  // express-session (or similar) put its own object there: leave it alone, `req.curfew` has ours.
  if (typeof current === 'object' && current !== null && current !== previous?.session) return
  if (state) {
    req.session = state.session
  } else {
    delete req.session
  }
}
