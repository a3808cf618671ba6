import { act, render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SessionTimeoutProvider } from '../SessionTimeoutProvider'
import { useSessionCountdown } from '../useSessionCountdown'
import { useSessionTimeout } from '../useSessionTimeout'
import type { FakeClient } from './fakeClient'
import { createFakeClient, warning } from './fakeClient'

let client: FakeClient
beforeEach(() => {
  vi.useFakeTimers()
  client = createFakeClient()
})
afterEach(() => {
  vi.useRealTimers()
})

const renders = { status: 0, countdown: 0 }
beforeEach(() => {
  renders.status = 0
  renders.countdown = 0
})

function Countdown() {
  renders.countdown++
  const seconds = useSessionCountdown()
  return <output>{seconds === null ? 'none' : seconds}</output>
}

function Status() {
  renders.status++
  return <span>{useSessionTimeout().status}</span>
}

function Orphan() {
  useSessionTimeout()
  return null
}

let actions: ReturnType<typeof useSessionTimeout> | undefined
function Grab() {
  actions = useSessionTimeout()
  return null
}

describe('useSessionTimeout', () => {
  it('throws a clear error outside a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<Orphan />)).toThrow(/wrap this component in a <SessionTimeoutProvider>/)
  })

  it('returns the client snapshot and re-renders when it changes', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Status />
      </SessionTimeoutProvider>,
    )
    expect(document.body.textContent).toBe('unknown')
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 600_000 }))
    expect(document.body.textContent).toBe('active')
  })

  it('calls the client from staySignedIn and logout', async () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Grab />
      </SessionTimeoutProvider>,
    )
    await actions?.staySignedIn()
    await actions?.logout()
    expect(client.calls.staySignedIn).toBe(1)
    expect(client.calls.logout).toBe(1)
  })

  it('does not re-render a component that reads only status while the countdown ticks', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Status />
        <Countdown />
      </SessionTimeoutProvider>,
    )
    act(() => client.set(warning(60)))
    const before = { ...renders }
    for (let i = 0; i < 10; i++) act(() => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('status').textContent).toBe('50')
    expect(renders.countdown - before.countdown).toBe(10)
    expect(renders.status).toBe(before.status)
  })
})

describe('useSessionCountdown', () => {
  it('is null while the deadline is unknown', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Countdown />
      </SessionTimeoutProvider>,
    )
    expect(screen.getByRole('status').textContent).toBe('none')
  })

  it('counts down once a second during the warning, from the deadline', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Countdown />
      </SessionTimeoutProvider>,
    )
    act(() => client.set(warning(90)))
    expect(screen.getByRole('status').textContent).toBe('90')
    act(() => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('status').textContent).toBe('89')
    act(() => vi.advanceTimersByTime(29_000))
    expect(screen.getByRole('status').textContent).toBe('60')
  })

  it('shows the right time after the tab slept, because it never counts ticks', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Countdown />
      </SessionTimeoutProvider>,
    )
    act(() => client.set(warning(90)))
    // The clock jumps 40 s while no timer fires (a suspended laptop or a throttled tab).
    vi.setSystemTime(Date.now() + 40_000)
    act(() => vi.advanceTimersByTime(1000))
    expect(screen.getByRole('status').textContent).toBe('49')
  })

  it('stops at zero and re-renders no more outside the warning', () => {
    render(
      <SessionTimeoutProvider client={client}>
        <Countdown />
      </SessionTimeoutProvider>,
    )
    act(() => client.set(warning(3)))
    act(() => vi.advanceTimersByTime(5000))
    expect(screen.getByRole('status').textContent).toBe('0')
    act(() => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }))
    const before = renders.countdown
    act(() => vi.advanceTimersByTime(10_000))
    expect(vi.getTimerCount()).toBe(0)
    expect(renders.countdown).toBe(before)
  })
})

describe('SessionTimeoutProvider', () => {
  it('starts the client on mount and stops it on unmount', async () => {
    const view = render(<SessionTimeoutProvider client={client} />)
    expect(client.started).toBe(1)
    view.unmount()
    await Promise.resolve()
    expect(client.stopped).toBe(1)
    expect(client.listenerCount()).toBe(0)
  })

  it("does not stop the client for StrictMode's instant unmount and remount", async () => {
    const view = render(
      <StrictMode>
        <SessionTimeoutProvider client={client}>
          <Countdown />
        </SessionTimeoutProvider>
      </StrictMode>,
    )
    await Promise.resolve()
    expect(client.stopped).toBe(0)
    view.unmount()
    await Promise.resolve()
    expect(client.stopped).toBe(1)
    expect(client.listenerCount()).toBe(0)
  })

  it('stops a shared client only when its last provider unmounts', async () => {
    const first = render(<SessionTimeoutProvider client={client} />)
    const second = render(<SessionTimeoutProvider client={client} />)
    first.unmount()
    await Promise.resolve()
    expect(client.stopped).toBe(0)
    second.unmount()
    await Promise.resolve()
    expect(client.stopped).toBe(1)
  })
})
