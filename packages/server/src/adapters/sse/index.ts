export type { EndStreamOptions, StreamResponseLike } from './stream'
export { EXPIRED_EVENT, endStreamAtSessionEnd } from './stream'
