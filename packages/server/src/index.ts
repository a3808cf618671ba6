export type { AuditChain, AuditChainOptions } from './audit/chain'
export { CHAIN_GENESIS, createAuditChain } from './audit/chain'
export type { AuditEmitter, AuditOption } from './audit/emitter'
export { createAuditEmitter } from './audit/emitter'
export type {
  AuditEvent,
  AuditEventType,
  AuditMeta,
  AuditReason,
  AuditSink,
  ConnectionClosedEvent,
} from './audit/events'
export { connectionClosedEvent } from './audit/events'
export { pseudonymizeSubject } from './audit/pseudonymize'
export type { JsonLinesSinkOptions, LineStream } from './audit/sinks'
export { functionSink, jsonLinesSink } from './audit/sinks'
export type { AuthenticateResult, AuthenticateSettings } from './http/authenticate'
export type { FormPostHeaders } from './http/csrf'
export { isCrossSiteFormPost } from './http/csrf'
export type { CookieOptions, CurfewHttpOptions } from './http/options'
export type { RequestAuthenticator } from './http/requestAuthenticator'
export { createRequestAuthenticator } from './http/requestAuthenticator'
export type { CurfewRequestState, HttpReply, HttpRequestInfo } from './http/types'
export type { ManagerComplianceResult } from './manager/compliance'
export { createSessionManager } from './manager/createSessionManager'
export type { DriftedSession, DriftReason, DriftReport, FindDriftOptions } from './manager/findDrift'
export { classifyDrift } from './manager/findDrift'
export type { SessionManagerOptions, TokenOptions } from './manager/options'
export type {
  CounterLike,
  HistogramLike,
  MeterLike,
  MetricAttributes,
  MetricsOption,
} from './metrics/meter'
export type { MemoryReplayStoreOptions, RedisReplayStoreOptions, ReplayStore } from './oidc/replayStore'
export { MemoryReplayStore, RedisReplayStore } from './oidc/replayStore'
export type { MemoryStoreOptions } from './stores/memory/memoryStore'
export { MemoryStore } from './stores/memory/memoryStore'
export type {
  IoRedisClientLike,
  NodeRedisClientLike,
  RedisClientLike,
  RedisCommandAdapter,
} from './stores/redis/client'
export type { RedisStoreOptions } from './stores/redis/redisStore'
export { RedisStore } from './stores/redis/redisStore'
export type {
  ReplicationShortfall,
  SessionStore,
  StoreCheckInput,
  StoreCheckResult,
  StoreCreateInput,
  StoredSession,
  StoredTombstone,
  StoreEndReason,
  StoreFailureDomain,
  StoreLimits,
  StoreRevokeInput,
  StoreRevokeSubjectInput,
  StoreRoute,
} from './stores/types'
export type { VerificationKeyOptions } from './tokens/keys'
export type {
  AccessTokenFailureReason,
  IdTokenFailureReason,
  LogoutTokenFailureReason,
  TokenFailure,
} from './tokens/reasons'
export type { SessionFromIdTokenOptions } from './tokens/sessionFromIdToken'
export { sessionFromIdToken } from './tokens/sessionFromIdToken'
export type {
  AccessTokenPayload,
  AccessTokenVerifier,
  VerifyAccessTokenOptions,
  VerifyAccessTokenResult,
} from './tokens/verifyAccessToken'
export { createAccessTokenVerifier, verifyAccessToken } from './tokens/verifyAccessToken'
export type { IdTokenPayload, VerifyIdTokenOptions, VerifyIdTokenResult } from './tokens/verifyIdToken'
export { verifyIdToken } from './tokens/verifyIdToken'
export type {
  LogoutTokenPayload,
  VerifyLogoutTokenOptions,
  VerifyLogoutTokenResult,
} from './tokens/verifyLogoutToken'
export { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken } from './tokens/verifyLogoutToken'
export type {
  CreatedSession,
  CreateSessionInput,
  ManagerVerifyAccessTokenOptions,
  PolicyOption,
  RequestMeta,
  ResolvedPolicy,
  RevokeReason,
  SessionAcceptance,
  SessionErrorCode,
  SessionInfo,
  SessionManager,
  SessionRejection,
  ValidateOptions,
  ValidateResult,
} from './types'
export type {
  EndNotice,
  EndNoticeChannel,
  EndNoticeListener,
  SessionEnd,
  SessionEndListener,
  WatchedSession,
  WatchOptions,
} from './watch/types'
