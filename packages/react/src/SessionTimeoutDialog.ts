import type { KeyboardEvent, ReactNode } from 'react'
import { announcementSeconds } from './announcement'
import type { SessionTimeoutMessages } from './messages'
import { defaultMessages } from './messages'
import { createElement as h, useEffect, useId, useRef, useState } from './react'
import { useSessionCountdown } from './useSessionCountdown'
import { useSessionTimeout } from './useSessionTimeout'

/**
 * What the dialog is showing: `'idle'` (activity can extend the session), `'absolute'` (the maximum
 * session length rules; nothing can extend it) or `'expired'`.
 */
export type SessionTimeoutDialogKind = 'idle' | 'absolute' | 'expired'

/** Everything a custom dialog needs; passed to the `children` render function. */
export interface SessionTimeoutDialogState {
  kind: SessionTimeoutDialogKind
  /** Whole seconds left (ticks each second). */
  seconds: number
  /** Rate-limited seconds for an `aria-live` region; see {@link announcementSeconds}. */
  announceSeconds: number
  staySignedIn(): void
  logout(): void
  /** Hides an `'absolute'` warning until the deadline changes. */
  dismiss(): void
  signIn(): void
}

export interface SessionTimeoutDialogProps {
  /** Replaces any of the texts (i18n). */
  messages?: Partial<SessionTimeoutMessages>
  /** Where "Sign in" leads once the session expired (rendered as a link). */
  signInHref?: string
  /** Called by "Sign in" when no `signInHref` is given. Default: reload the page. */
  onSignIn?: () => void
  /** Class of the dialog element. Default `'curfew-dialog'` (styled by `@curfew/react/styles.css`). */
  className?: string
  /** Replaces the whole UI; called only while a warning or the expired notice is due. */
  children?: (state: SessionTimeoutDialogState) => ReactNode
}

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const

/**
 * A ready, accessible session-timeout warning. Shows while the session is in `'warning'` (with "Stay
 * signed in", or, when the absolute deadline rules, different wording and no such button) and once it
 * has expired (pointing to sign-in). It is an `alertdialog`: focus moves to its main button and back
 * afterwards, Tab stays inside, Escape never extends the session, and screen readers hear the time at
 * most each minute, then every 15 s, then each of the last 10 s. Unstyled unless you import
 * `@curfew/react/styles.css`.
 *
 * @example
 * <SessionTimeoutProvider options={{ endpoint: '/session' }}>
 *   <App />
 *   <SessionTimeoutDialog signInHref="/login" messages={{ stay: 'Keep me signed in' }} />
 * </SessionTimeoutProvider>
 */
export function SessionTimeoutDialog(props: SessionTimeoutDialogProps): ReactNode {
  const { status, canExtend, reason, expiresAt, staySignedIn, logout } = useSessionTimeout()
  const seconds = useSessionCountdown() ?? 0
  const id = useId()
  const primary = useRef<HTMLButtonElement & HTMLAnchorElement>(null)
  const [dismissed, setDismissed] = useState<number | null>(null)

  const kind: SessionTimeoutDialogKind | null =
    status === 'warning'
      ? canExtend
        ? 'idle'
        : dismissed === expiresAt
          ? null
          : 'absolute'
      : // The expired notice is for sessions this page knew (a visitor without one has no deadline);
        // a deliberate sign-out needs no notice either.
        status === 'expired' && expiresAt !== null && reason !== 'logout'
        ? 'expired'
        : null

  useEffect(() => {
    if (!kind) return
    const previous = document.activeElement as HTMLElement | null
    primary.current?.focus()
    return () => previous?.focus()
  }, [kind])

  if (!kind) return null
  const m = { ...defaultMessages, ...props.messages }
  const state: SessionTimeoutDialogState = {
    kind,
    seconds,
    announceSeconds: announcementSeconds(seconds),
    staySignedIn: () => void staySignedIn(),
    logout: () => void logout(),
    dismiss: () => setDismissed(expiresAt),
    signIn: props.onSignIn ?? (() => location.reload()),
  }
  if (props.children) return props.children(state)

  const time = m.time(seconds)
  const idle = kind === 'idle'
  const expired = kind === 'expired'
  // Plain createElement rather than JSX: positional children keep the bundle within its size budget.
  const button = (label: string, onClick: () => void, main?: boolean) =>
    h('button', { type: 'button', ref: main ? primary : undefined, onClick }, label)
  return h(
    'div',
    { className: 'curfew-overlay' },
    h(
      'div',
      {
        role: 'alertdialog',
        'aria-modal': true,
        'aria-labelledby': `${id}t`,
        'aria-describedby': `${id}d`,
        className: props.className ?? 'curfew-dialog',
        onKeyDown: (event: KeyboardEvent) => {
          if (event.key === 'Escape') {
            // Escape must not extend the session behind the user's back, nor hide a warning they need.
            event.preventDefault()
            event.stopPropagation()
            if (kind === 'absolute') state.dismiss()
          }
          if (event.key === 'Tab') {
            const items = (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('a,button')
            const last = items.length - 1
            if (document.activeElement === items[event.shiftKey ? 0 : last]) {
              event.preventDefault()
              items[event.shiftKey ? last : 0]?.focus()
            }
          }
        },
      },
      h('h2', { id: `${id}t` }, idle ? m.title : expired ? m.expiredTitle : m.absoluteTitle),
      h('p', { id: `${id}d` }, idle ? m.body(time) : expired ? m.expiredBody : m.absoluteBody(time)),
      h(
        'div',
        { 'aria-live': 'polite', 'aria-atomic': true, style: visuallyHidden },
        !expired && m.announce(m.time(state.announceSeconds)),
      ),
      h(
        'div',
        { className: 'curfew-actions' },
        expired
          ? props.signInHref
            ? h('a', { ref: primary, href: props.signInHref }, m.signIn)
            : button(m.signIn, state.signIn, true)
          : idle
            ? button(m.stay, state.staySignedIn, true)
            : button(m.dismiss, state.dismiss, true),
        !expired && button(m.logout, state.logout),
      ),
    ),
  )
}
