import './augment'

export type { CookieOptions, CurfewHttpOptions, CurfewRequestState, SignOutResult } from '../../http'
export type { ExpressCurfew, MiddlewareOptions } from './curfew'
export { expressCurfew } from './curfew'
export type {
  RequireRecentAuthOptions,
  SessionMiddlewareOptions,
  SessionRoutesOptions,
  SignInInput,
  SignOutTarget,
} from './functions'
export { requireRecentAuth, sessionMiddleware, sessionRoutes, signIn, signOut } from './functions'
export type { OidcRoutesOptions } from './oidc'
export { oidcRoutes } from './oidc'
