export type { ComplianceCheck, ComplianceResult, ComplianceRule } from './compliance'
export { checkCompliance, complianceRules } from './compliance'
export type { SessionEvaluation, SessionTimes } from './deadline'
export { evaluateSession, recordActivity } from './deadline'
export type { Duration } from './duration'
export { formatDuration, MAX_DURATION_MS, parseDuration } from './duration'
export type { CurfewErrorCode, CurfewErrorOptions } from './errors'
export { CurfewError, isCurfewError } from './errors'
export { canonicalPolicy, policyFingerprint } from './fingerprint'
export type { SessionHeader } from './header'
export { formatSessionHeader, parseSessionHeader } from './header'
export type { Policy, PolicyInput } from './policy'
export { definePolicy } from './policy'
export { presets } from './presets'
export type {
  ExpiryReason,
  PolicyDocument,
  PolicySummary,
  SessionError,
  SessionErrorCode,
  SessionStatus,
} from './wire'
export { CLIENT_HEADER, PASSIVE_HEADER, SESSION_HEADER } from './wire'
