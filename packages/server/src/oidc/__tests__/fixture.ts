import { randomUUID } from 'node:crypto'
import { launchChromium } from '@curfew/testing'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import { Redis } from 'ioredis'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import type { Browser, Page } from 'playwright-core'
import type { AuditEvent } from '../../audit/events'
import { createSessionManager } from '../../manager/createSessionManager'
import { RedisStore } from '../../stores/redis/redisStore'
import type { SessionManager } from '../../types'
import { RedisOidcSessionLinks } from '../redisLinks'
import { createOidcRelyingParty, type OidcRelyingParty } from '../relyingParty'
import { RedisReplayStore } from '../replayStore'
import { type RpApp, startRpApp } from './rpApp'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const SECRET = 'an-oidc-test-secret-of-at-least-32-bytes!'
export const CLIENT_ID = 'curfew-app'
const CLIENT_SECRET = 'curfew-app-secret-curfew-app-secret'

/** Two app servers (A serves the browser, B receives back-channel logouts) on one Redis, one real OP. */
export interface OidcFleet {
  idp: DevIdp
  /** The OP's private signing key, so tests can mint logout tokens exactly as the OP would. */
  signingKey: { privateJwk: JWK; kid: string }
  a: { app: RpApp; manager: SessionManager; rp: OidcRelyingParty; events: AuditEvent[] }
  b: { app: RpApp; manager: SessionManager; rp: OidcRelyingParty; events: AuditEvent[] }
  browser: Browser
  /** The Redis both servers share, and the prefix of every key they write. */
  redis: Redis
  prefix: string
  /** Shifts the apps' clock (the store's and the managers'); the OP keeps real time. */
  clock: { offset: number }
  close(): Promise<void>
}

export async function startOidcFleet(
  options: { livenessInterval?: string; idpSessionLifetime?: string } = {},
): Promise<OidcFleet> {
  const clock = { offset: 0 }
  const now = () => Date.now() + clock.offset
  const appA = await startRpApp({ host: 'localhost' })
  const appB = await startRpApp({ host: '127.0.0.1' })
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'dev-idp-1', alg: 'RS256', use: 'sig' }
  const idp = await startDevIdp({
    jwks: { keys: [privateJwk] },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appA.url}/callback`],
        post_logout_redirect_uris: [`${appA.url}/`],
        backchannel_logout_uri: `http://127.0.0.1:${appB.port}/backchannel`,
        backchannel_logout_session_required: true,
      },
    ],
  })
  const redis = new Redis(REDIS_URL)
  const prefix = `curfew-test:oidc:${randomUUID()}:`
  const browser = await launchChromium()
  const make = (app: RpApp) => {
    const events: AuditEvent[] = []
    const manager = createSessionManager({
      policy: { idleTimeout: '30m', absoluteTimeout: '1h' },
      store: new RedisStore({ client: redis, prefix, now }),
      now,
      audit: (event) => {
        events.push(event)
      },
    })
    const rp = createOidcRelyingParty({
      manager,
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${appA.url}/callback`,
      postLogoutRedirectUri: `${appA.url}/`,
      secret: SECRET,
      links: new RedisOidcSessionLinks({ client: redis, prefix }),
      replay: new RedisReplayStore({ client: redis, prefix }),
      allowInsecureRequests: true,
      ...(options.livenessInterval === undefined ? {} : { livenessInterval: options.livenessInterval }),
      ...(options.idpSessionLifetime === undefined ? {} : { idpSessionLifetime: options.idpSessionLifetime }),
    })
    app.serve({ manager, rp, adminMaxAge: '1m' })
    return { app, manager, rp, events }
  }
  const a = make(appA)
  const b = make(appB)
  return {
    idp,
    signingKey: { privateJwk, kid: 'dev-idp-1' },
    a,
    b,
    browser,
    redis,
    prefix,
    clock,
    async close() {
      await browser.close()
      await Promise.all([appA.close(), appB.close(), idp.close(), a.manager.close(), b.manager.close()])
      const keys = await redis.keys(`${prefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    },
  }
}

/** Fills the dev IdP's login form (any name, no password) once the browser is on it. */
export async function loginAtIdp(page: Page, name: string): Promise<void> {
  await arriveAt(page, /\/interaction\//)
  await page.fill('input[name=login]', name)
  await page.click('button[type=submit]')
}

/**
 * Waits for the page to arrive at `url`. The sign-in chain (IdP form → IdP resume → app callback, which
 * itself calls the IdP's token endpoint) is four hops through one test process; on a CI machine where
 * `next build` shares the two cores it can be slow, so the wait is generous, and when it still fails the
 * error names where the page is stuck and what it shows, instead of Playwright's bare timeout.
 */
export async function arriveAt(page: Page, url: string | RegExp, timeout = 45_000): Promise<void> {
  try {
    await page.waitForURL(url, { timeout })
  } catch (error) {
    const shows = await page.textContent('body').catch(() => null)
    throw new Error(
      `the page did not arrive at ${String(url)}: it is at ${page.url()} showing ${JSON.stringify(shows?.slice(0, 400))}`,
      { cause: error },
    )
  }
}

/** The JSON body the page shows (the test app answers JSON). */
export async function pageJson<T = Record<string, unknown>>(page: Page): Promise<T> {
  return JSON.parse((await page.textContent('body')) ?? 'null') as T
}
