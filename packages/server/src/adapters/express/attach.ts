import type { Request } from 'express'
import type { CurfewRequestState } from '../../http'

// Session objects this adapter put on `req.session`, so a second run may replace its own but never
// someone else's.
const ours = new WeakSet<object>()

/** Puts the session on the request: `req.curfew` always, `req.session` unless something else owns it. */
export function attachState(req: Request, state: CurfewRequestState | null): void {
  req.curfew = state
  const current: unknown = (req as { session?: unknown }).session
  // express-session (or similar) put its own object there: leave it alone, `req.curfew` has ours.
  if (typeof current === 'object' && current !== null && !ours.has(current)) return
  if (state) {
    ours.add(state.session)
    req.session = state.session
  } else {
    delete req.session
  }
}
