export type { CookieOptions, CurfewHttpOptions, CurfewRequestState, SignOutResult } from '../../http'
export { fastifyCurfew } from './plugin'
export type {
  AuthenticateHookOptions,
  CurfewDecorator,
  FastifyCurfewOptions,
  FastifySignInInput,
  FastifySignOutResult,
} from './types'
