/**
 * The remaining time a live region should hold, in seconds: it changes each whole minute, then every
 * 15 s below a minute, then each second of the last 10 s. Announcing every second would drown out
 * everything else a screen reader says.
 *
 * @example
 * announcementSeconds(125) // 180 until 120 s remain, then 120
 * announcementSeconds(50) // 60 until 45 s remain
 * announcementSeconds(7) // 7
 */
export function announcementSeconds(seconds: number): number {
  return seconds > 60 ? Math.ceil(seconds / 60) * 60 : seconds > 10 ? Math.ceil(seconds / 15) * 15 : seconds
}
