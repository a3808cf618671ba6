// Internal: the adapter-neutral protocol layer the three adapters share. Not a public entry point.
export type { AuthenticateResult, ProtocolContext } from './authenticate'
export { authenticate, isPassiveRequest, requestMeta, serverNow, TOKEN_HEADER } from './authenticate'
export { checkBody, declaredTooLarge, LimitedText } from './body'
export type { CookieSettings } from './cookie'
export { clearedCookie, cookieSettings, readCookie, sessionCookie } from './cookie'
export type { Credentials } from './credentials'
export { readCredentials } from './credentials'
export { isCrossSiteForgery } from './csrf'
export { isLoopbackHost } from './loopback'
export type { NodeReadable } from './nodeBody'
export { readNodeBody } from './nodeBody'
export type { CookieOptions, CurfewHttpOptions, ResolvedHttpOptions } from './options'
export { resolveHttpOptions } from './options'
export { checkRecentAuth, recentAuthLimit } from './recentAuth'
export { badRequestReply, csrfReply, jsonReply, rejectionReply, unavailableReply } from './replies'
export type { SessionRoute, SessionRouteContext } from './routes'
export { handleSessionRoute, matchSessionRoute } from './routes'
export type { SignInOutcome, SignOutOutcome } from './sign'
export { endSession, startSession } from './sign'
export type {
  BadRequestError,
  BodyRead,
  BodyReader,
  CredentialSource,
  CsrfError,
  CurfewRequestState,
  HttpReply,
  HttpRequestInfo,
  RouteError,
} from './types'
