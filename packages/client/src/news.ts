import type { Ended, EndReason, SessionState } from './parse'

/** What a tab holds of the session. Times are server epoch ms. */
export interface Held {
  /** The newest session state (`null` before the first answer, or after a 401 without one). */
  state: SessionState | null
  /** Set when the server (or a tab that heard from it) said the session is over. */
  ended: EndReason | null
  /** Server time of the news `state` came with; older news (a late answer, a stale tab) is ignored. */
  stateTime: number
  /** Subject this tab belongs to (unset until an active state names one); another subject's session is never shown as this tab's. */
  owner?: string
  /** Another subject's session appeared (the snapshot says `expired`, reason `'switched'`). */
  switched: boolean
}

/** News of the session (from a server answer, another tab, an app response or a socket), with its server time. */
export type News = Pick<Held, 'state' | 'ended' | 'stateTime'>

/** What a tab holds before any news. */
export const nothingHeld = (): Held => ({
  state: null,
  ended: null,
  stateTime: 0,
  switched: false,
})

/**
 * The news rule: what a tab holds after `news`, or `null` when the news is older than what it holds.
 * The first active session's subject owns the tab; the server clears the cookie when it ends a session,
 * so the next answer says only `missing`: the reason learned first (idle, absolute, revoked…) is kept.
 *
 * @example
 * withNews(nothingHeld(), { state, ended: null, stateTime: state.serverTime }) // { state, owner: state.subject, … }
 */
export function withNews(held: Held, news: News): Held | null {
  if (news.stateTime < held.stateTime) return null
  const { state } = news
  let { owner, switched } = held
  if (state?.state === 'active') {
    owner ??= state.subject
    switched = state.subject !== owner
  }
  const ended = news.ended === 'missing' && held.ended ? held.ended : news.ended
  return { ...news, ended, owner, switched }
}

/**
 * The news a server answer brings: a `SessionStatus` (deadlines, maybe an end), or a 401, which carries
 * no deadlines: the session `state` held is over.
 *
 * @example
 * answerNews({ state: 'expired', reason: 'idle', serverTime }, held.state) // { state: held.state, ended: 'idle', stateTime: serverTime }
 */
export const answerNews = (body: SessionState | Ended, state: SessionState | null): News => ({
  state: 'expiresAt' in body ? body : state,
  ended: body.state === 'expired' ? (body.reason ?? 'unknown') : null,
  stateTime: body.serverTime,
})
