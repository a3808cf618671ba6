export type { CookieOptions, CurfewHttpOptions, CurfewRequestState, SignOutResult } from '../../http'
export type {
  Anonymous,
  Authenticated,
  AuthenticateOptions,
  IncomingHeaders,
  NotAuthenticated,
  RecentAuthGuard,
  SessionHandler,
  SessionHandlerOptions,
  SignedIn,
  SignedOut,
} from './handler'
export { createSessionHandler } from './handler'
export type { OidcHandlerOptions } from './oidc'
export { createOidcHandler } from './oidc'
