import type { RenderResult } from '@testing-library/react'
import { render } from '@testing-library/react'
import type { SessionTimeoutDialogProps } from '../SessionTimeoutDialog'
import { SessionTimeoutDialog } from '../SessionTimeoutDialog'
import { SessionTimeoutProvider } from '../SessionTimeoutProvider'
import type { FakeClient } from './fakeClient'

/** Renders the dialog inside a provider, after a focused "Save" button the dialog must return focus to. */
export function renderDialog(client: FakeClient, props: SessionTimeoutDialogProps = {}): RenderResult {
  const view = render(
    <SessionTimeoutProvider client={client}>
      <button type="button">Save</button>
      <SessionTimeoutDialog {...props} />
    </SessionTimeoutProvider>,
  )
  ;(view.getByText('Save') as HTMLButtonElement).focus()
  return view
}
