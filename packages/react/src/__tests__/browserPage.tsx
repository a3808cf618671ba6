// Entry of the page the Chromium focus test loads (bundled by esbuild in focus.browser.test.ts).
import { version } from 'react'
import { createRoot } from 'react-dom/client'
import { SessionTimeoutDialog } from '../SessionTimeoutDialog'
import { SessionTimeoutProvider } from '../SessionTimeoutProvider'
import { createFakeClient, warning } from './fakeClient'

const client = createFakeClient()
Object.assign(window, {
  reactVersion: version,
  session: {
    warn: (seconds: number, absolute?: boolean) => client.set(warning(seconds, absolute)),
    active: () => client.set({ status: 'active', expiresAt: Date.now() + 900_000 }),
    calls: client.calls,
  },
})

createRoot(document.getElementById('root')!).render(
  <SessionTimeoutProvider client={client}>
    <main>
      <label>
        Note <input />
      </label>
    </main>
    <SessionTimeoutDialog />
  </SessionTimeoutProvider>,
)
