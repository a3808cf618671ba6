import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import { App } from './App'
import { createFakeClient } from './fakeClient'

describe('hydration', () => {
  it('hydrates server HTML without a mismatch, then shows the live status', async () => {
    // The server knows nothing about the browser's session; the browser already does when it hydrates.
    const container = document.createElement('div')
    container.innerHTML = renderToString(<App client={createFakeClient()} />)
    const client = createFakeClient()
    client.set({ status: 'active', expiresAt: Date.now() + 900_000 })
    document.body.append(container)
    const errors = vi.spyOn(console, 'error')
    const onRecoverableError = vi.fn()
    const root = await act(async () =>
      hydrateRoot(container, <App client={client} />, { onRecoverableError }),
    )
    expect(onRecoverableError).not.toHaveBeenCalled()
    expect(errors).not.toHaveBeenCalled()
    expect(container.textContent).toContain('status:active')
    expect(client.started).toBe(1)
    act(() => root.unmount())
    container.remove()
  })
})
