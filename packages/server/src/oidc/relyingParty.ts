import { CurfewError, type Duration, isCurfewError, parseDuration } from '@curfew/core'
import * as client from 'openid-client'
import { sessionFromIdToken } from '../tokens/sessionFromIdToken'
import { verifyIdToken } from '../tokens/verifyIdToken'
import { verifyLogoutToken } from '../tokens/verifyLogoutToken'
import type { RequestMeta, SessionInfo, SessionManager } from '../types'
import { MemoryOidcSessionLinks, type OidcSessionLinks } from './links'
import { MemoryReplayStore, type ReplayStore } from './replayStore'
import { createSealer } from './sealing'
import {
  openTransaction,
  readCookieValue,
  safeReturnTo,
  sealTransaction,
  TRANSACTION_TTL_MS,
  transactionCookie,
} from './transaction'
import type { IdpSessionCheck, OidcCallbackFailureReason, OidcCallbackResult, OidcReply } from './types'

/** The parts of the IdP's discovery document Curfew uses (the rest is there too). */
export interface OidcProviderMetadata {
  issuer: string
  jwks_uri?: string
  end_session_endpoint?: string
  [name: string]: unknown
}

/** Options of {@link createOidcRelyingParty}. */
export interface OidcRelyingPartyOptions {
  manager: SessionManager
  /** The IdP's issuer URL; its discovery document is fetched from `/.well-known/openid-configuration`. */
  issuer: string | URL
  clientId: string
  /** For confidential clients (`client_secret_basic`); omit for public clients (PKCE only). */
  clientSecret?: string
  /** This app's callback URL, registered at the IdP. */
  redirectUri: string
  /**
   * At least 32 bytes. Seals the sign-in transaction cookie and, with a separate derived key, the IdP
   * tokens kept per session (AES-256-GCM). Rotate it and in-flight sign-ins and kept tokens are void.
   */
  secret: string | Uint8Array
  /** Default `'openid profile'`. */
  scope?: string
  /**
   * The `max_age` sent with every sign-in, so the IdP always returns `auth_time`. Default: the
   * policy's absolute timeout, or `idpSessionLifetime` when shorter (an older IdP login could not start
   * a session anyway).
   */
  maxAge?: Duration
  /**
   * The IdP's own maximum session lifetime, as configured there (Keycloak *SSO Session Max*, Okta
   * *Maximum global session lifetime*, Entra ID *Sign-in frequency*, Auth0 *Maximum session lifetime*).
   * Each Curfew session then gets `notAfter = auth_time + idpSessionLifetime`, folded into its absolute
   * deadline, so it never outlives the IdP session it came from — even though an IdP session that merely
   * times out sends no logout. A step-up within the same IdP session (same `sid`) keeps the earlier cap:
   * a fresh login does not restart the IdP session's lifetime. Off by default (the policy alone rules).
   */
  idpSessionLifetime?: Duration
  /** Policy tier of the sessions this IdP starts; default the manager's default. */
  policy?: string
  /** Where `(iss, sid)`/`(iss, sub)` links and sealed IdP tokens live. Default: in memory. */
  links?: OidcSessionLinks
  /** Single-use `state` and logout-token `jti` values. Default: in memory. Share one for a fleet. */
  replay?: ReplayStore
  /** Where the IdP sends the browser after RP-initiated logout (registered at the IdP). */
  postLogoutRedirectUri?: string
  /**
   * Ask the IdP whether its session lives (a refresh-token grant) at most this often per session;
   * `invalid_grant` ends the Curfew session with `idp_session_ended`. Off by default.
   */
  livenessInterval?: Duration
  /** Logout tokens older than this are refused. Default `'2m'`. */
  logoutTokenMaxAge?: Duration
  /** Seconds or a duration; at most 5 minutes. Default 0. */
  clockTolerance?: number | Duration
  /** Allow an `http:` issuer (loopback development IdPs only). */
  allowInsecureRequests?: boolean
  /** Name of the transaction cookie. Default `__Host-curfew-oidc` when secure, else `curfew-oidc`. */
  transactionCookieName?: string
}

/** Input of `signIn`. */
export interface OidcSignInInput {
  /** Same-origin path to return to after the callback. Default `/`. */
  returnTo?: string
  /** `max_age` for this sign-in (step-up); default the relying party's. */
  maxAge?: Duration
  /** `prompt` (e.g. `'login'` to force a fresh authentication). */
  prompt?: string
  loginHint?: string
  /** A step-up: the callback raises the caller's live session instead of starting another user's. */
  stepUp?: boolean
}

/** The OIDC relying party: sign-in, callback, step-up, back-channel logout, RP-initiated logout. */
export interface OidcRelyingParty {
  /** A 302 to the IdP's authorization endpoint that sets the sealed transaction cookie. */
  signIn(input?: OidcSignInInput): Promise<OidcReply>
  /**
   * Completes a sign-in: checks the transaction, `state` (once), the code exchange (PKCE), the ID token
   * (signature, `nonce`, `auth_time` against the `max_age` asked for), then starts a session anchored at
   * `auth_time`. `currentToken` is the caller's session cookie, if any: a step-up replaces it (same
   * `(iss, sub)` only), a plain sign-in ends it. Never throws for anything the browser sent.
   */
  callback(input: {
    url: string | URL
    cookie: string | undefined
    currentToken?: string | null
    meta?: RequestMeta
  }): Promise<OidcCallbackResult>
  /**
   * The back-channel logout endpoint (`POST`, form body `logout_token`): ends every Curfew session of the
   * token's `sid` (or of its `sub` when it has no `sid`) with reason `idp_logout`, fleet-wide through the
   * shared store. 200 on success (also when no session matched), 400 with an OAuth error body otherwise,
   * always `Cache-Control: no-store`.
   */
  backchannelLogout(input: { body: string | URLSearchParams | undefined }): Promise<OidcReply>
  /**
   * Ends the session of `token` (reason `logout`) and returns the IdP's `end_session_endpoint` URL with
   * `id_token_hint`, `post_logout_redirect_uri` and `state`, or `null` when the IdP has none.
   */
  signOut(input: {
    token: string | null | undefined
    state?: string
    postLogoutRedirectUri?: string
  }): Promise<{
    location: string | null
  }>
  /**
   * The IdP liveness check for one session (no-op without `livenessInterval`, or before it is due, or
   * while another server runs it): a refresh-token grant; `invalid_grant` ends the session with
   * `idp_session_ended`. An unreachable IdP counts as alive (an outage must not sign everyone out).
   */
  checkIdpSession(session: Pick<SessionInfo, 'handle'>): Promise<IdpSessionCheck>
  /**
   * GDPR Art. 17 for the users this IdP signs in: `manager.forgetSubject(sub)` (every session,
   * tombstone and index entry of the subject, audited without it in clear), then what the relying party
   * keeps beside the sessions — each link with its sealed IdP tokens and the `(iss, sub)` / `(iss, sid)`
   * index entries. Resolves how many sessions were erased. Safe to repeat: a retry after a failure (the
   * IdP's discovery document is needed for its issuer) finds no session and erases the links left.
   *
   * @example
   * const erased = await rp.forgetSubject(user.oidcSub)
   */
  forgetSubject(sub: string): Promise<number>
  /**
   * Step-up for one route: `null` when the session's authentication is recent enough; else, for a
   * browser navigation, a 302 to the IdP with `max_age` and `prompt=login` that returns to `url`; for an
   * API client, 401 `reauth_required` with the `max_age` to meet.
   */
  requireRecentAuth(
    maxAge: Duration,
  ): (input: {
    session: SessionInfo
    now: number
    url: string
    browser: boolean
  }) => Promise<OidcReply | null>
  /** The IdP's discovery metadata (fetched once). */
  metadata(): Promise<OidcProviderMetadata>
}

const NO_STORE: [string, string] = ['Cache-Control', 'no-store']
const JSON_TYPE: [string, string] = ['Content-Type', 'application/json; charset=utf-8']

function seconds(duration: Duration, name: string): number {
  try {
    return Math.floor(parseDuration(duration) / 1000)
  } catch (cause) {
    throw new CurfewError({
      code: 'invalid_option',
      message: `"${name}" must be a duration such as '15m'.`,
      cause,
    })
  }
}

function oauthError(status: number, error: string, description: string): OidcReply {
  return { status, headers: [JSON_TYPE, NO_STORE], body: { error, error_description: description } }
}

function refusal(reason: OidcCallbackFailureReason, message: string, extra: object = {}): OidcCallbackResult {
  const status = reason === 'reauth_required' || reason === 'subject_mismatch' ? 401 : 400
  const reply: OidcReply = {
    status,
    headers: [JSON_TYPE, NO_STORE],
    body: {
      error: reason === 'reauth_required' ? 'reauth_required' : 'oidc_callback_failed',
      reason,
      message,
      ...extra,
    },
  }
  if (reason === 'store_unavailable') reply.status = 503
  return { ok: false, reason, reply }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    typeof (error as { error?: unknown }).error === 'string'
    ? (error as { error: string }).error
    : undefined
}

/** Whether openid-client refused the ID token's `nonce` (the claim is named somewhere in the cause chain). */
function nonceRefused(error: unknown): boolean {
  let current = error as { cause?: unknown; message?: unknown; claim?: unknown } | undefined
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if (current.claim === 'nonce') return true
    if (typeof current.message === 'string' && current.message.includes('"nonce"')) return true
    current = current.cause as typeof current
  }
  return false
}

/**
 * The cap of a session started from an ID token: `auth_time + idpSessionLifetime`, never later than a
 * cap carried over from the session a step-up replaces. `undefined` when neither applies.
 */
function sessionNotAfter(input: {
  authTime: number | undefined
  lifetime: number | undefined
  carried: number | undefined
}): number | undefined {
  const fromLifetime =
    input.lifetime === undefined || typeof input.authTime !== 'number'
      ? undefined
      : input.authTime * 1000 + input.lifetime
  if (fromLifetime === undefined) return input.carried
  return input.carried === undefined ? fromLifetime : Math.min(fromLifetime, input.carried)
}

/**
 * Signs users in through an OpenID Provider (authorization code + PKCE + `state` + `nonce`, on
 * openid-client) and ties each Curfew session to the IdP session it came from. Framework-free: every
 * method takes plain values and returns a reply for an adapter to write (see the adapters' `oidcRoutes`).
 *
 * @example
 * const rp = createOidcRelyingParty({
 *   manager, issuer: 'https://idp.example.com', clientId: 'app', clientSecret,
 *   redirectUri: 'https://app.example.com/auth/callback', secret: process.env.OIDC_SECRET,
 *   links: new RedisOidcSessionLinks({ client: redis }), replay: new RedisReplayStore({ client: redis }),
 *   livenessInterval: '5m',
 * })
 */
export function createOidcRelyingParty(options: OidcRelyingPartyOptions): OidcRelyingParty {
  const { manager, clientId } = options
  if (typeof clientId !== 'string' || clientId === '' || typeof options.redirectUri !== 'string') {
    throw new CurfewError({
      code: 'invalid_option',
      message: 'createOidcRelyingParty needs "clientId" and "redirectUri".',
    })
  }
  const issuerUrl = new URL(String(options.issuer))
  const transactions = createSealer({ secret: options.secret, purpose: 'transaction' })
  const tokenSealer = createSealer({ secret: options.secret, purpose: 'idp-tokens' })
  const links = options.links ?? new MemoryOidcSessionLinks()
  const replay = options.replay ?? new MemoryReplayStore()
  const scope = options.scope ?? 'openid profile'
  const defaultPolicy =
    options.policy === undefined ? manager.defaultPolicy : manager.policies.get(options.policy)
  if (defaultPolicy === undefined) {
    throw new CurfewError({ code: 'unknown_policy', message: `No policy tier named "${options.policy}".` })
  }
  const idpLifetimeMs =
    options.idpSessionLifetime === undefined
      ? undefined
      : seconds(options.idpSessionLifetime, 'idpSessionLifetime') * 1000
  if (idpLifetimeMs !== undefined && idpLifetimeMs <= 0) {
    throw new CurfewError({ code: 'invalid_option', message: '"idpSessionLifetime" must be at least 1s.' })
  }
  const defaultMaxAge =
    options.maxAge === undefined
      ? Math.floor(Math.min(defaultPolicy.absoluteTimeout, idpLifetimeMs ?? Number.POSITIVE_INFINITY) / 1000)
      : seconds(options.maxAge, 'maxAge')
  const livenessMs = options.livenessInterval === undefined ? 0 : parseDuration(options.livenessInterval)
  const secure = options.redirectUri.startsWith('https:')
  const cookieName = options.transactionCookieName ?? (secure ? '__Host-curfew-oidc' : 'curfew-oidc')
  const clearCookie: [string, string] = [
    'Set-Cookie',
    transactionCookie({ name: cookieName, value: null, secure }),
  ]

  let configuration: Promise<client.Configuration> | undefined
  function config(): Promise<client.Configuration> {
    configuration ??= client
      .discovery(
        issuerUrl,
        clientId,
        options.clientSecret,
        options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret),
        options.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((error: unknown) => {
        configuration = undefined
        throw error
      })
    return configuration
  }

  async function keepLink(input: {
    session: SessionInfo
    absoluteExpiresAt: number
    claims: { iss: string; sub: string; sid?: unknown }
    tokens: { refresh_token?: string; id_token?: string }
  }): Promise<void> {
    const sealed = tokenSealer.seal(
      JSON.stringify({ rt: input.tokens.refresh_token, idt: input.tokens.id_token }),
    )
    await links.put(
      {
        handle: input.session.handle,
        iss: input.claims.iss,
        sub: input.claims.sub,
        ...(typeof input.claims.sid === 'string' ? { sid: input.claims.sid } : {}),
        sealedTokens: sealed,
        checkedAt: manager.now(),
      },
      Math.max(input.absoluteExpiresAt - manager.now(), 0) + 60_000,
    )
  }

  function openTokens(sealed: string | undefined): { rt?: string; idt?: string } {
    const plain = sealed === undefined ? undefined : tokenSealer.open(sealed)
    if (plain === undefined) return {}
    try {
      return JSON.parse(plain) as { rt?: string; idt?: string }
    } catch {
      return {}
    }
  }

  async function endSession(
    handle: string,
    reason: 'idp_logout' | 'idp_session_ended' | 'logout' | 'revoked',
  ) {
    await manager.revoke(handle, reason)
    await links.remove(handle).catch(() => undefined)
  }

  const relyingParty: OidcRelyingParty = {
    async metadata() {
      return (await config()).serverMetadata()
    },

    async signIn(input = {}) {
      const configured = await config()
      const verifier = client.randomPKCECodeVerifier()
      const transaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier,
        maxAge: input.maxAge === undefined ? defaultMaxAge : seconds(input.maxAge, 'maxAge'),
        returnTo: safeReturnTo(input.returnTo ?? '/'),
        stepUp: input.stepUp === true,
        expiresAt: manager.now() + TRANSACTION_TTL_MS,
      }
      const parameters: Record<string, string> = {
        redirect_uri: options.redirectUri,
        scope,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: transaction.state,
        nonce: transaction.nonce,
        // Always sent: without it many IdPs leave auth_time out of the ID token.
        max_age: String(transaction.maxAge),
      }
      if (input.prompt !== undefined) parameters.prompt = input.prompt
      if (input.loginHint !== undefined) parameters.login_hint = input.loginHint
      const location = client.buildAuthorizationUrl(configured, parameters).href
      const cookie = transactionCookie({
        name: cookieName,
        value: sealTransaction(transactions, transaction),
        secure,
      })
      return { status: 302, headers: [['Location', location], ['Set-Cookie', cookie], NO_STORE] }
    },

    async callback(input) {
      const transaction = openTransaction(
        transactions,
        readCookieValue(input.cookie, cookieName),
        manager.now(),
      )
      if (transaction === undefined) {
        return refusal(
          'transaction_missing',
          'No sign-in in progress in this browser (or it took too long); start again.',
        )
      }
      let url: URL
      try {
        url = new URL(String(input.url))
      } catch {
        return refusal('state_mismatch', 'The callback URL is malformed.')
      }
      if (url.searchParams.get('state') !== transaction.state) {
        return refusal('state_mismatch', 'The callback does not belong to the sign-in this browser started.')
      }
      if (!(await replay.claim(`state\n${transaction.state}`, TRANSACTION_TTL_MS))) {
        return refusal('state_replayed', 'This sign-in callback was already used.')
      }
      const idpError = url.searchParams.get('error')
      if (idpError !== null) {
        return refusal('idp_error', `The identity provider answered ${idpError.slice(0, 64)}.`, {
          idpError: idpError.slice(0, 64),
        })
      }
      let configured: client.Configuration
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
      try {
        configured = await config()
        tokens = await client.authorizationCodeGrant(configured, url, {
          pkceCodeVerifier: transaction.verifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        })
      } catch (error) {
        if (nonceRefused(error))
          return refusal('nonce_mismatch', 'The ID token answers another sign-in (nonce).')
        return refusal(
          'token_exchange_failed',
          'The identity provider did not complete the sign-in; start again.',
        )
      }
      const metadata = configured.serverMetadata()
      const verified = await verifyIdToken(tokens.id_token, {
        issuer: metadata.issuer,
        audience: clientId,
        jwks: metadata.jwks_uri ?? '',
        nonce: transaction.nonce,
        maxAge: transaction.maxAge,
        now: () => manager.now(),
        ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
      })
      if (!verified.ok) {
        if (verified.reason === 'auth_too_old') {
          return refusal('reauth_required', 'The sign-in is older than this action allows.', {
            max_age: transaction.maxAge,
          })
        }
        if (verified.reason === 'claim_missing' && verified.message.includes('auth_time')) {
          return refusal('auth_time_missing', 'The identity provider sent no auth_time.')
        }
        if (verified.reason === 'nonce_mismatch')
          return refusal('nonce_mismatch', 'The ID token answers another sign-in.')
        return refusal('id_token_invalid', `The ID token was refused (${verified.reason}).`)
      }
      const claims = verified.payload
      // The caller's current session: replaced by a step-up, ended by a plain sign-in (fixation defence).
      const current = input.currentToken
        ? await manager.validate(input.currentToken, { activity: false })
        : undefined
      const currentLink = current?.ok ? await links.get(current.session.handle) : undefined
      if (transaction.stepUp) {
        if (!current?.ok) return refusal('no_session', 'The session to step up has ended; sign in again.')
        const sameUser =
          currentLink !== undefined
            ? currentLink.iss === claims.iss && currentLink.sub === claims.sub
            : current.session.subject === claims.sub
        if (!sameUser) return refusal('subject_mismatch', 'A step-up must be done by the signed-in user.')
      }
      const notAfter = sessionNotAfter({
        authTime: claims.auth_time,
        lifetime: idpLifetimeMs,
        // Same IdP session (sid) as the session being stepped up: its lifetime did not restart.
        carried:
          transaction.stepUp &&
          current?.ok &&
          currentLink?.sid !== undefined &&
          currentLink.sid === claims.sid
            ? current.session.notAfter
            : undefined,
      })
      if (notAfter !== undefined && notAfter <= manager.now()) {
        return refusal('reauth_required', "The identity provider's session has reached its lifetime.", {
          max_age: transaction.maxAge,
        })
      }
      let created: Awaited<ReturnType<typeof sessionFromIdToken>>
      try {
        created = await sessionFromIdToken(manager, claims, {
          ...(notAfter === undefined ? {} : { notAfter }),
          ...(options.policy === undefined ? {} : { policy: options.policy }),
          ...(input.meta === undefined ? {} : { meta: input.meta }),
        })
        await keepLink({
          session: created.session,
          absoluteExpiresAt: created.status.absoluteExpiresAt,
          claims,
          tokens: { refresh_token: tokens.refresh_token, id_token: tokens.id_token },
        })
        if (current?.ok) await endSession(current.session.handle, 'revoked')
      } catch (error) {
        if (isCurfewError(error, 'auth_too_old')) {
          return refusal('reauth_required', 'The IdP sign-in is older than the absolute timeout.', {
            max_age: transaction.maxAge,
          })
        }
        if (isCurfewError(error, 'auth_time_missing')) return refusal('auth_time_missing', 'No auth_time.')
        return refusal('store_unavailable', 'The session store is unavailable; try again.')
      }
      return {
        ok: true,
        token: created.token,
        session: created.session,
        status: created.status,
        returnTo: transaction.returnTo,
        stepUp: transaction.stepUp,
        headers: [clearCookie, NO_STORE],
      }
    },

    async backchannelLogout(input) {
      const form =
        input.body instanceof URLSearchParams
          ? input.body
          : typeof input.body === 'string' && input.body.length <= 64 * 1024
            ? new URLSearchParams(input.body)
            : undefined
      const logoutToken = form?.get('logout_token')
      if (!logoutToken)
        return oauthError(400, 'invalid_request', 'A form body with logout_token is required.')
      let metadata: OidcProviderMetadata
      try {
        metadata = await relyingParty.metadata()
      } catch {
        return oauthError(400, 'temporarily_unavailable', 'The identity provider metadata is unavailable.')
      }
      const verified = await verifyLogoutToken(logoutToken, {
        issuer: metadata.issuer,
        audience: clientId,
        jwks: metadata.jwks_uri ?? '',
        replay,
        now: () => manager.now(),
        ...(options.logoutTokenMaxAge === undefined ? {} : { maxTokenAge: options.logoutTokenMaxAge }),
        ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
      })
      if (!verified.ok) return oauthError(400, 'invalid_request', `Logout token refused: ${verified.reason}.`)
      const { iss, sid, sub } = verified.payload
      try {
        const handles = await links.handles(
          sid === undefined ? { iss, ...(sub === undefined ? {} : { sub }) } : { iss, sid },
        )
        await Promise.all(handles.map((handle) => endSession(handle, 'idp_logout')))
      } catch {
        // §2.8: a logout that failed is a 400, never a 5xx the IdP would retry blindly.
        return oauthError(400, 'logout_failed', 'The sessions could not be ended; the store is unavailable.')
      }
      return { status: 200, headers: [NO_STORE] }
    },

    async forgetSubject(sub) {
      const erased = await manager.forgetSubject(sub)
      const { issuer } = (await config()).serverMetadata()
      const handles = await links.handles({ iss: issuer, sub })
      await Promise.all(handles.map((handle) => links.remove(handle)))
      return erased
    },

    async signOut(input) {
      let idToken: string | undefined
      if (input.token) {
        const current = await manager.validate(input.token, { activity: false })
        if (current.ok) {
          const link = await links.get(current.session.handle).catch(() => undefined)
          idToken = openTokens(link?.sealedTokens).idt
          await endSession(current.session.handle, 'logout')
        }
      }
      let configured: client.Configuration
      try {
        configured = await config()
      } catch {
        return { location: null }
      }
      if (configured.serverMetadata().end_session_endpoint === undefined) return { location: null }
      const parameters: Record<string, string> = { client_id: clientId }
      if (idToken !== undefined) parameters.id_token_hint = idToken
      const redirect = input.postLogoutRedirectUri ?? options.postLogoutRedirectUri
      if (redirect !== undefined) parameters.post_logout_redirect_uri = redirect
      if (input.state !== undefined) parameters.state = input.state
      return { location: client.buildEndSessionUrl(configured, parameters).href }
    },

    async checkIdpSession(session) {
      if (livenessMs === 0) return { alive: true }
      const link = await links.get(session.handle).catch(() => undefined)
      if (link === undefined) return { alive: true }
      if (link.checkedAt !== undefined && manager.now() - link.checkedAt < livenessMs) return { alive: true }
      const refreshToken = openTokens(link.sealedTokens).rt
      if (refreshToken === undefined) return { alive: true }
      // Single flight across the fleet: one server asks the IdP, the others carry on meanwhile.
      if (!(await links.claimCheck(session.handle, String(link.checkedAt ?? 0), 60_000).catch(() => false))) {
        return { alive: true }
      }
      try {
        const refreshed = await client.refreshTokenGrant(await config(), refreshToken)
        const kept = openTokens(link.sealedTokens)
        const sealed = tokenSealer.seal(
          JSON.stringify({
            rt: refreshed.refresh_token ?? refreshToken,
            idt: refreshed.id_token ?? kept.idt,
          }),
        )
        await links.update(session.handle, { sealedTokens: sealed, checkedAt: manager.now() })
        return { alive: true }
      } catch (error) {
        if (errorCode(error) !== 'invalid_grant') return { alive: true }
        await endSession(session.handle, 'idp_session_ended').catch(() => undefined)
        return { alive: false, reason: 'idp_session_ended' }
      }
    },

    requireRecentAuth(maxAge) {
      const maxAgeSeconds = seconds(maxAge, 'maxAge')
      return async ({ session, now, url, browser }) => {
        if (now - session.authTime <= maxAgeSeconds * 1000) return null
        if (browser)
          return relyingParty.signIn({
            returnTo: url,
            maxAge: `${maxAgeSeconds}s`,
            prompt: 'login',
            stepUp: true,
          })
        return {
          status: 401,
          headers: [
            JSON_TYPE,
            NO_STORE,
            [
              'WWW-Authenticate',
              `Bearer error="insufficient_user_authentication", error_description="authentication too old", max_age=${maxAgeSeconds}`,
            ],
          ],
          body: {
            error: 'reauth_required',
            reason: 'auth_too_old',
            max_age: maxAgeSeconds,
            serverTime: now,
            message: 'Sign in again to continue: this action needs a recent sign-in.',
          },
        }
      }
    },
  }
  return relyingParty
}
