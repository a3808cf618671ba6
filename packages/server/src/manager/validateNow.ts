import type { SessionManager, ValidateResult } from '../types'
import type { Check, CheckOptions } from './check'

// The synchronous-when-possible check of each manager createSessionManager built, and the `validate`
// it was built with: a manager whose `validate` was replaced (a wrapper, a test double) keeps its own.
const checks = new WeakMap<SessionManager, { validate: SessionManager['validate']; check: Check }>()

/** Remembers the check behind `manager.validate` (createSessionManager only). */
export function registerCheck(manager: SessionManager, check: Check): void {
  checks.set(manager, { validate: manager.validate, check })
}

/**
 * `manager.validate` for the HTTP adapters: the answer itself when the store answered synchronously
 * (MemoryStore), so a request pays no promise and no microtask turns for it, else the promise. Any
 * other manager (or one whose `validate` was replaced) is asked through its `validate`. May throw where
 * `validate` would reject: callers treat both alike.
 *
 * @example
 * const outcome = validateNow(manager, token, { activity: true })
 * const result = outcome instanceof Promise ? await outcome : outcome
 */
export function validateNow(
  manager: SessionManager,
  token: string | null | undefined,
  options: Omit<CheckOptions, 'refresh'>,
): ValidateResult | Promise<ValidateResult> {
  const known = checks.get(manager)
  if (known !== undefined && known.validate === manager.validate) return known.check(token, options)
  const { requestMeta, ...rest } = options
  const meta = rest.meta ?? requestMeta?.()
  return manager.validate(token, meta === undefined ? rest : { ...rest, meta })
}
