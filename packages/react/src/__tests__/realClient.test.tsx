import { createSessionClient } from '@curfew/client'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SessionTimeoutDialog } from '../SessionTimeoutDialog'
import { SessionTimeoutProvider } from '../SessionTimeoutProvider'
import { useSessionCountdown } from '../useSessionCountdown'
import { useSessionTimeout } from '../useSessionTimeout'
import { createSessionServer } from './sessionServer'

// A spy around the real factory (not a replacement), to count the clients a provider creates.
vi.mock('@curfew/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@curfew/client')>()
  return { ...actual, createSessionClient: vi.fn(actual.createSessionClient) }
})

const MINUTE = 60_000
const policy = { idle: 15 * MINUTE, absolute: 8 * 60 * MINUTE, warnBefore: 2 * MINUTE }
const renders = { status: 0 }

function Status() {
  renders.status++
  return <p>status:{useSessionTimeout().status}</p>
}

function Countdown() {
  return <output>{useSessionCountdown()}</output>
}

function app(server: ReturnType<typeof createSessionServer>) {
  return (
    <StrictMode>
      <SessionTimeoutProvider options={{ fetch: server.fetch, crossTab: false }}>
        <button type="button">Save</button>
        <Status />
        <Countdown />
        <SessionTimeoutDialog signInHref="/login" />
      </SessionTimeoutProvider>
    </StrictMode>
  )
}

const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))
const text = () => document.body.textContent ?? ''

beforeEach(() => {
  vi.useFakeTimers()
  vi.mocked(createSessionClient).mockClear()
  renders.status = 0
})
afterEach(() => {
  vi.useRealTimers()
})

describe('with the real @curfew/client (options form)', () => {
  it('creates exactly one client under StrictMode and learns the session from the server', async () => {
    const server = createSessionServer(policy)
    const view = render(app(server))
    await advance(0)
    expect(createSessionClient).toHaveBeenCalledTimes(1)
    expect(text()).toContain('status:active')
    view.unmount()
    const before = server.requests.length
    await advance(20 * MINUTE)
    expect(server.requests.length).toBe(before)
  })

  it('opens the dialog at warnBefore, counts down, and "Stay signed in" extends the session', async () => {
    const server = createSessionServer(policy)
    render(app(server))
    await advance(0)
    screen.getByText('Save').focus()
    await advance(13 * MINUTE - 1000)
    expect(screen.queryByRole('alertdialog')).toBeNull()
    await advance(1000)
    expect(screen.getByRole('alertdialog').textContent).toContain('signed out in 2 minutes')
    expect(document.activeElement?.textContent).toBe('Stay signed in')
    await advance(5000)
    expect(screen.getByRole('status').textContent).toBe('115')

    fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }))
    await advance(0)
    expect(server.requests).toContain('POST /session/refresh')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(text()).toContain('status:active')
    expect(document.activeElement?.textContent).toBe('Save')
  })

  it('does not re-render a status-only component while the real countdown ticks', async () => {
    render(app(createSessionServer(policy)))
    await advance(13 * MINUTE)
    expect(text()).toContain('status:warning')
    const before = renders.status
    for (let i = 0; i < 10; i++) await advance(1000)
    expect(screen.getByRole('status').textContent).toBe('110')
    expect(renders.status).toBe(before)
  })

  it('shows the expired notice, pointing to sign-in, once the server confirms the end', async () => {
    render(app(createSessionServer(policy)))
    await advance(15 * MINUTE)
    await advance(1000)
    expect(text()).toContain('status:expired')
    expect(screen.getByRole('alertdialog').textContent).toContain('Your session has expired')
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login')
  })

  it('words the absolute deadline differently and offers no "Stay signed in"', async () => {
    render(app(createSessionServer({ ...policy, absolute: 10 * MINUTE })))
    await advance(8 * MINUTE)
    expect(screen.getByRole('alertdialog').textContent).toContain('cannot be extended')
    expect(screen.queryByRole('button', { name: 'Stay signed in' })).toBeNull()
  })
})
