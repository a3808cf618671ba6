import type { IncomingMessage } from 'node:http'
import type { SessionStatus } from '@curfew/core'
import {
  type CredentialSource,
  type CurfewHttpOptions,
  cookieSettings,
  csrfReply,
  type HttpReply,
  isCrossSiteForgery,
  type ResolvedHttpOptions,
  readCredentials,
  rejectionReply,
  requestMeta,
  resolveHttpOptions,
  serverNow,
  unavailableReply,
} from '../../http'
import type { SessionInfo, SessionManager } from '../../types'
import { nodeRequestInfo } from './request'

/** The session behind an accepted handshake. */
export interface ConnectionSession {
  session: SessionInfo
  status: SessionStatus
  /** The token the client presented (kept to count user actions as activity, if you choose to). */
  token: string
  source: CredentialSource
}

/** Outcome of {@link authenticateUpgrade}: the session, or the complete HTTP refusal to send instead. */
export type UpgradeAuthentication = ({ ok: true } & ConnectionSession) | { ok: false; reply: HttpReply }

/** Options of {@link authenticateUpgrade}: the cookie and origin settings of the HTTP adapters. */
export type UpgradeOptions = CurfewHttpOptions

/**
 * Authenticates the HTTP request that opens a long-lived connection (a WebSocket upgrade, a Socket.IO
 * handshake), before anything is upgraded: the session cookie or `Authorization: Bearer`, checked
 * passively (opening a connection is not user activity). A browser always sends `Origin` on a WebSocket
 * handshake, so a cookie-borne upgrade from another origin than the server's own or `allowedOrigins` is
 * refused (403): cross-site WebSocket hijacking. Framework-free: takes Node's `IncomingMessage`.
 *
 * @example
 * server.on('upgrade', async (req, socket, head) => {
 *   const auth = await authenticateUpgrade(manager, req)
 *   if (!auth.ok) return rejectUpgrade(socket, auth.reply)
 *   wss.handleUpgrade(req, socket, head, (ws) => {
 *     ws.once('close', closeAtSessionEnd(manager, { session: auth.session, close: (code, reason) => ws.close(code, reason) }))
 *   })
 * })
 */
export function authenticateUpgrade(
  manager: SessionManager,
  request: IncomingMessage,
  options: UpgradeOptions = {},
): Promise<UpgradeAuthentication> {
  return authenticateNodeRequest(manager, request, resolveHttpOptions(options))
}

/** {@link authenticateUpgrade} with options resolved once, at setup (internal to the adapters). */
export async function authenticateNodeRequest(
  manager: SessionManager,
  request: IncomingMessage,
  resolved: ResolvedHttpOptions,
): Promise<UpgradeAuthentication> {
  const info = nodeRequestInfo(request)
  const credentials = readCredentials(info, resolved)
  // Only a browser sends Origin here, and it always does: without one there is no ambient-cookie attack.
  if (info.header('origin') !== undefined && isCrossSiteForgery(info, resolved, credentials.source)) {
    return { ok: false, reply: csrfReply(serverNow(manager)) }
  }
  let result: Awaited<ReturnType<SessionManager['validate']>>
  try {
    result = await manager.validate(credentials.token, { activity: false, meta: requestMeta(info) })
  } catch {
    return { ok: false, reply: unavailableReply(serverNow(manager)) }
  }
  if (!result.ok) {
    const reply = rejectionReply({
      rejection: result,
      source: credentials.source,
      settings: cookieSettings(resolved, info),
      realm: resolved.realm,
    })
    return { ok: false, reply }
  }
  return {
    ok: true,
    session: result.session,
    status: result.status,
    token: result.token ?? (credentials.token as string),
    source: credentials.source ?? 'cookie',
  }
}
