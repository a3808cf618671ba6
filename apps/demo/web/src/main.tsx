import { createSessionClient } from '@curfew/client'
import { SessionTimeoutProvider } from '@curfew/react'
import '@curfew/react/styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import './demo.css'

// One client for the page; the provider starts and stops it.
const client = createSessionClient({ endpoint: '/session' })
// Exposed for the end-to-end tests and for poking at in the console: `curfewClient.getSnapshot()`.
;(window as unknown as { curfewClient: typeof client }).curfewClient = client

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <SessionTimeoutProvider client={client}>
      <App client={client} />
    </SessionTimeoutProvider>
  </StrictMode>,
)
