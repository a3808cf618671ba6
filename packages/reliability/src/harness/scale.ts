/** True under `pnpm test:stress` (the script sets `CURFEW_STRESS=1`). */
export const STRESS = process.env.CURFEW_STRESS === '1'

/** A count for the fast run and one for the stress run. */
export function scale(counts: { fast: number; stress: number }): number {
  return STRESS ? counts.stress : counts.fast
}
