export type { CookieOptions, CurfewHttpOptions, CurfewRequestState } from '../../http'
export type {
  Authenticated,
  NotAuthenticated,
  SessionHandler,
  SessionHandlerOptions,
  SignedIn,
  SignedOut,
} from './handler'
export { createSessionHandler } from './handler'
export type { OidcHandlerOptions } from './oidc'
export { createOidcHandler } from './oidc'
