import { SessionTimeoutDialog, SessionTimeoutProvider } from '@curfew/react'
import '@curfew/react/styles.css'
import type { ReactNode } from 'react'

// A Server Component: @curfew/react is a client module ("use client"), so it renders here directly.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionTimeoutProvider options={{ endpoint: '/session' }}>
          {children}
          <SessionTimeoutDialog signInHref="/" />
        </SessionTimeoutProvider>
      </body>
    </html>
  )
}
