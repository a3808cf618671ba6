export type { MemoryOidcSessionLinksOptions, OidcSessionLink, OidcSessionLinks } from './links'
export { MemoryOidcSessionLinks } from './links'
export type { RedisOidcSessionLinksOptions } from './redisLinks'
export { RedisOidcSessionLinks } from './redisLinks'
export type {
  OidcProviderMetadata,
  OidcRelyingParty,
  OidcRelyingPartyOptions,
  OidcSignInInput,
} from './relyingParty'
export { createOidcRelyingParty } from './relyingParty'
export type { MemoryReplayStoreOptions, RedisReplayStoreOptions, ReplayStore } from './replayStore'
export { MemoryReplayStore, RedisReplayStore } from './replayStore'
export type { OidcRoute, OidcRouteContext } from './routes'
export { handleOidcRoute, matchOidcRoute } from './routes'
export type { IdpSessionCheck, OidcCallbackFailureReason, OidcCallbackResult, OidcReply } from './types'
