import { act, fireEvent, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeClient } from './fakeClient'
import { createFakeClient, warning } from './fakeClient'
import { renderDialog } from './renderDialog'

let client: FakeClient
beforeEach(() => {
  vi.useFakeTimers()
  client = createFakeClient()
})
afterEach(() => {
  vi.useRealTimers()
})

const dialog = () => screen.getByRole('alertdialog')

describe('SessionTimeoutDialog', () => {
  it('renders nothing while the session is unknown or active', () => {
    renderDialog(client)
    expect(screen.queryByRole('alertdialog')).toBeNull()
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('opens on the warning as a labelled, described modal alertdialog', () => {
    renderDialog(client)
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    act(() => client.set(warning(120)))
    expect(dialog().getAttribute('aria-modal')).toBe('true')
    const title = document.getElementById(dialog().getAttribute('aria-labelledby') ?? '')
    const body = document.getElementById(dialog().getAttribute('aria-describedby') ?? '')
    expect(title?.textContent).toBe('Your session is about to expire')
    expect(body?.textContent).toContain('signed out in 2 minutes')
  })

  it('moves focus to "Stay signed in" and restores it when the warning ends', () => {
    renderDialog(client)
    act(() => client.set(warning(120)))
    expect(document.activeElement?.textContent).toBe('Stay signed in')
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(document.activeElement?.textContent).toBe('Save')
  })

  it('calls the client when "Stay signed in" is pressed, and logout for "Sign out"', () => {
    renderDialog(client)
    act(() => client.set(warning(120)))
    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }))
    expect(client.calls.staySignedIn).toBe(1)
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    expect(client.calls.logout).toBe(1)
  })

  it('does not extend or close on Escape', () => {
    renderDialog(client)
    act(() => client.set(warning(120)))
    fireEvent.keyDown(document.activeElement as Element, { key: 'Escape' })
    expect(client.calls.staySignedIn).toBe(0)
    expect(dialog()).toBeTruthy()
  })

  it('keeps Tab inside the dialog', () => {
    renderDialog(client)
    act(() => client.set(warning(120)))
    const stay = screen.getByRole('button', { name: 'Stay signed in' })
    const out = screen.getByRole('button', { name: 'Sign out' })
    out.focus()
    fireEvent.keyDown(out, { key: 'Tab' })
    expect(document.activeElement).toBe(stay)
    fireEvent.keyDown(stay, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(out)
  })

  it('shows the countdown each second', () => {
    renderDialog(client)
    act(() => client.set(warning(65)))
    expect(dialog().textContent).toContain('1 minute 5 seconds')
    act(() => vi.advanceTimersByTime(6000))
    expect(dialog().textContent).toContain('59 seconds')
  })

  it('rate-limits what screen readers hear: each minute, every 15 s, then each of the last 10 s', () => {
    renderDialog(client)
    act(() => client.set(warning(150)))
    const region = dialog().querySelector('[aria-live]') as HTMLElement
    const heard: string[] = []
    for (let i = 0; i < 150; i++) {
      const text = region.textContent ?? ''
      if (heard.at(-1) !== text) heard.push(text)
      act(() => vi.advanceTimersByTime(1000))
    }
    expect(heard.map((text) => text.replace(' left', ''))).toEqual([
      '3 minutes',
      '2 minutes',
      '1 minute',
      '45 seconds',
      '30 seconds',
      '15 seconds',
      ...[10, 9, 8, 7, 6, 5, 4, 3, 2].map((s) => `${s} seconds`),
      '1 second',
    ])
  })

  it('words the absolute deadline differently, offers no "Stay signed in", and can be dismissed', () => {
    renderDialog(client)
    act(() => client.set(warning(120, true)))
    expect(dialog().textContent).toContain('Your session is ending')
    expect(dialog().textContent).toContain('cannot be extended')
    expect(screen.queryByRole('button', { name: 'Stay signed in' })).toBeNull()
    expect(document.activeElement?.textContent).toBe('OK')
    fireEvent.keyDown(document.activeElement as Element, { key: 'Escape' })
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(document.activeElement?.textContent).toBe('Save')
    expect(client.calls.staySignedIn).toBe(0)
  })

  it('shows the expired state with a sign-in link once the session it watched expired', () => {
    renderDialog(client, { signInHref: '/login' })
    act(() => client.set(warning(5)))
    act(() => client.set({ status: 'expired', reason: 'idle', expiresAt: Date.now() }))
    expect(dialog().textContent).toContain('Your session has expired')
    const link = screen.getByRole('link', { name: 'Sign in' })
    expect(link.getAttribute('href')).toBe('/login')
    expect(document.activeElement).toBe(link)
    expect(screen.queryByRole('button', { name: 'Stay signed in' })).toBeNull()
  })

  it('calls onSignIn from the expired state when no signInHref is given', () => {
    const onSignIn = vi.fn()
    renderDialog(client, { onSignIn })
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    act(() => client.set({ status: 'expired', reason: 'revoked', expiresAt: Date.now() }))
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(onSignIn).toHaveBeenCalledTimes(1)
  })

  it('stays closed for visitors without a session and after a deliberate sign-out', () => {
    renderDialog(client)
    act(() => client.set({ status: 'expired', reason: 'unknown' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    act(() => client.set({ status: 'expired', reason: 'logout' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('takes every text from the messages prop', () => {
    renderDialog(client, {
      messages: {
        title: 'Sitzung läuft ab',
        body: (time) => `Abmeldung in ${time}.`,
        stay: 'Angemeldet bleiben',
        logout: 'Abmelden',
        time: (seconds) => `${seconds} Sekunden`,
      },
    })
    act(() => client.set(warning(30)))
    expect(screen.getByRole('heading').textContent).toBe('Sitzung läuft ab')
    expect(dialog().textContent).toContain('Abmeldung in 30 Sekunden.')
    expect(screen.getByRole('button', { name: 'Angemeldet bleiben' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Abmelden' })).toBeTruthy()
  })

  it('hands the whole UI to a render function', () => {
    renderDialog(client, {
      children: (state) => (
        <section aria-label="custom">
          {state.kind} {state.seconds}
          <button type="button" onClick={state.staySignedIn}>
            Extend
          </button>
        </section>
      ),
    })
    expect(screen.queryByLabelText('custom')).toBeNull()
    act(() => client.set(warning(42)))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.getByLabelText('custom').textContent).toContain('idle 42')
    fireEvent.click(screen.getByRole('button', { name: 'Extend' }))
    expect(client.calls.staySignedIn).toBe(1)
  })
})
