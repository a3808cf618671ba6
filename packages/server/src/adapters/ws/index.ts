export type { CookieOptions, CurfewHttpOptions } from '../../http'
export type { ConnectionSession, UpgradeAuthentication, UpgradeOptions } from './authenticate'
export { authenticateUpgrade } from './authenticate'
export type { CloseAtSessionEndOptions } from './close'
export { closeAtSessionEnd, SESSION_ENDED_CLOSE_CODE } from './close'
export { fastifyUpgradeGuard } from './fastify'
export type { RawSocketLike } from './reject'
export { rejectUpgrade } from './reject'
export type {
  ConnectionState,
  MessageActivityOption,
  SessionUpgradeOptions,
  WatchWebSocketOptions,
  WebSocketLike,
  WebSocketServerLike,
} from './upgrade'
export { connectionSession, sessionUpgrade, watchWebSocket } from './upgrade'
