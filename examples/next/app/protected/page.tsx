import { redirect } from 'next/navigation'
import { currentSession } from '../../lib/curfew'

// Rendered per request: it reads the session cookie.
export const dynamic = 'force-dynamic'

export default async function Protected() {
  const session = await currentSession()
  if (!session) redirect('/')
  return (
    <main>
      <h1>Signed in as {session.subject}</h1>
      <form method="post" action="/api/logout">
        <button type="submit">Sign out</button>
      </form>
    </main>
  )
}
