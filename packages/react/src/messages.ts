/**
 * Every text of {@link SessionTimeoutDialog}. Pass any subset through its `messages` prop to translate
 * or reword; functions receive the remaining time already formatted by `time`.
 */
export interface SessionTimeoutMessages {
  /** Title of the warning when activity can extend the session. */
  title: string
  body: (time: string) => string
  stay: string
  logout: string
  /** Title when the absolute deadline rules and nothing can extend the session. */
  absoluteTitle: string
  absoluteBody: (time: string) => string
  /** Closes the absolute-deadline warning; it changes nothing at the server. */
  dismiss: string
  expiredTitle: string
  expiredBody: string
  signIn: string
  /** Read by screen readers at most each minute, then every 15 s, then each of the last 10 s. */
  announce: (time: string) => string
  /** Formats whole seconds, e.g. `"1 minute 5 seconds"`. */
  time: (seconds: number) => string
}

const plural = (value: number, unit: string) => `${value} ${unit}${value === 1 ? '' : 's'}`

/** The English defaults of {@link SessionTimeoutMessages}. */
export const defaultMessages: SessionTimeoutMessages = {
  title: 'Your session is about to expire',
  body: (time) => `You will be signed out in ${time} due to inactivity.`,
  stay: 'Stay signed in',
  logout: 'Sign out',
  absoluteTitle: 'Your session is ending',
  absoluteBody: (time) => `Your session ends in ${time} and cannot be extended.`,
  dismiss: 'OK',
  expiredTitle: 'Your session has expired',
  expiredBody: 'Please sign in again.',
  signIn: 'Sign in',
  announce: (time) => `${time} left`,
  time: (seconds) => {
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    return minutes
      ? plural(minutes, 'minute') + (rest ? ` ${plural(rest, 'second')}` : '')
      : plural(rest, 'second')
  },
}
