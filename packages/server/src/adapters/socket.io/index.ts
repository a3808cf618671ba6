export type { CookieOptions, CurfewHttpOptions } from '../../http'
export type {
  SocketIoSocketLike,
  SocketSession,
  SocketSessionError,
  SocketSessionOptions,
} from './middleware'
export { EXPIRED_EVENT, socketSessionMiddleware } from './middleware'
