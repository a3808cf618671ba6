export type { CookieOptions, CurfewHttpOptions, CurfewRequestState, SignOutResult } from '../../http'
export type { FastifyOidcRoutesOptions } from './oidc'
export { oidcRoutes } from './oidc'
export { fastifyCurfew } from './plugin'
export type {
  AuthenticateHookOptions,
  CurfewDecorator,
  FastifyCurfewOptions,
  FastifySignInInput,
  FastifySignOutResult,
} from './types'
