export { announcementSeconds } from './announcement'
export { useSessionClient } from './context'
export type { SessionTimeoutMessages } from './messages'
export type {
  SessionTimeoutDialogKind,
  SessionTimeoutDialogProps,
  SessionTimeoutDialogState,
} from './SessionTimeoutDialog'
export { SessionTimeoutDialog } from './SessionTimeoutDialog'
export type { SessionTimeoutProviderProps } from './SessionTimeoutProvider'
export { SessionTimeoutProvider } from './SessionTimeoutProvider'
export { useSessionCountdown } from './useSessionCountdown'
export type { SessionTimeoutState } from './useSessionTimeout'
export { useSessionTimeout } from './useSessionTimeout'
