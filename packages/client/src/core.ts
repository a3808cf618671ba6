// The parts of @curfew/core the SDK uses, imported in one place (one import in a bundle).
export type { ExpiryReason, SessionError, SessionHeader } from '@curfew/core'
export {
  CLIENT_HEADER,
  formatSessionHeader,
  PASSIVE_HEADER,
  parseDuration,
  parseSessionHeader,
  SESSION_HEADER,
} from '@curfew/core'
