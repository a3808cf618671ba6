/**
 * Clock offset from one request: `serverTime − midpoint of the request`, the NTP estimate. Every
 * deadline is in server time, so a local clock hours off changes nothing the user sees; the error is at
 * most half the round trip.
 */
export const offsetOf = (serverTime: number, sentAt: number, receivedAt: number): number =>
  Math.round(serverTime - (sentAt + receivedAt) / 2)
