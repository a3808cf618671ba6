import type { CurfewRequestState } from '../../http'
import type { SessionInfo } from '../../types'

declare global {
  // Express's own typings extend this global namespace; declaration merging is the documented way.
  namespace Express {
    interface Request {
      /**
       * The Curfew session, set by `sessionMiddleware` (and `signIn`). Not set when another middleware
       * (express-session) already owns `req.session`: then read `req.curfew.session`.
       */
      session?: SessionInfo
      /** Session, status and credential source, set by `sessionMiddleware`; `null` when `optional` let an anonymous request through. */
      curfew?: CurfewRequestState | null
    }
  }
}
