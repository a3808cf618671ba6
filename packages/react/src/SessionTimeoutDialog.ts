import type { KeyboardEvent, ReactNode } from 'react'
import { announcementSeconds } from './announcement'
import { useSessionClient } from './context'
import type { SessionTimeoutMessages } from './messages'
import { defaultMessages } from './messages'
import { createElement as h, useEffect, useId, useRef, useState } from './react'
import { useSnapshot } from './snapshot'
import { useSessionCountdown } from './useSessionCountdown'

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

// The live region is read, never seen: out of the layout, every pixel clipped (clip-path also takes it
// out of hit-testing). It keeps its full size, so no 1 px box makes screen readers read it word by word.
const visuallyHidden = { position: 'absolute', clipPath: 'inset(50%)' } as const

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
  const client = useSessionClient()
  const { status, canExtend, reason, expiresAt } = useSnapshot(client)
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
    staySignedIn: () => void client.staySignedIn(),
    logout: () => void client.logout(),
    dismiss: () => setDismissed(expiresAt),
    signIn: props.onSignIn ?? (() => location.reload()),
  }
  if (props.children) return props.children(state)

  const time = m.time(seconds)
  const expired = kind === 'expired'
  // One row per kind: title, text, and the main action's label and handler.
  const [title, text, label, action] =
    kind === 'idle'
      ? [m.title, m.body(time), m.stay, state.staySignedIn]
      : expired
        ? [m.expiredTitle, m.expiredBody, m.signIn, state.signIn]
        : [m.absoluteTitle, m.absoluteBody(time), m.dismiss, state.dismiss]
  // Plain createElement rather than JSX: positional children keep the bundle within its size budget.
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
            // The dialog has at most two controls: Tab and Shift+Tab both go to the other one, so focus
            // stays inside.
            const [first, second = first] = (
              event.currentTarget as HTMLElement
            ).querySelectorAll<HTMLElement>('a,button')
            event.preventDefault()
            ;(document.activeElement === first ? second : first)?.focus()
          }
        },
      },
      h('h2', { id: `${id}t` }, title),
      h('p', { id: `${id}d` }, text),
      h(
        'div',
        { 'aria-live': 'polite', 'aria-atomic': true, style: visuallyHidden },
        !expired && m.announce(m.time(state.announceSeconds)),
      ),
      h(
        'div',
        { className: 'curfew-actions' },
        expired && props.signInHref
          ? h('a', { ref: primary, href: props.signInHref }, label)
          : h('button', { type: 'button', ref: primary, onClick: action }, label),
        !expired && h('button', { type: 'button', onClick: state.logout }, m.logout),
      ),
    ),
  )
}
