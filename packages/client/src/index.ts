export { DEFAULT_ACTIVITY_EVENTS } from './activity'
export { createSessionClient } from './client'
export type {
  SessionClient,
  SessionClientOptions,
  SessionSnapshot,
  SessionStatus,
  SnapshotReason,
  TimerProvider,
} from './types'
