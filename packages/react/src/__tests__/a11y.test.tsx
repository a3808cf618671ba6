import { act } from '@testing-library/react'
import axe from 'axe-core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeClient, warning } from './fakeClient'
import { renderDialog } from './renderDialog'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

async function violations(root: Element) {
  // Colour contrast needs real layout and paint; the dialog is unstyled by default anyway.
  vi.useRealTimers()
  const results = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } })
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)
}

describe('SessionTimeoutDialog accessibility (axe-core)', () => {
  it.each([
    ['idle warning', warning(90)],
    ['absolute-deadline warning', warning(90, true)],
  ])('has no violations in the %s', async (_, snapshot) => {
    const client = createFakeClient()
    const view = renderDialog(client)
    act(() => client.set(snapshot))
    expect(await violations(view.container)).toEqual([])
  })

  it('has no violations in the expired notice', async () => {
    const client = createFakeClient()
    const view = renderDialog(client, { signInHref: '/login' })
    act(() => client.set(warning(5)))
    act(() => client.set({ status: 'expired', reason: 'idle' }))
    expect(view.getByRole('alertdialog')).toBeTruthy()
    expect(await violations(view.container)).toEqual([])
  })
})
