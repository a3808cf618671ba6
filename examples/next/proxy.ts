import { type NextRequest, NextResponse } from 'next/server'

// A cheap first gate (Next.js calls it an optimistic check): no session cookie, no protected page.
// The page itself (currentSession) and every route handler still validate the session with the manager.
export function proxy(request: NextRequest) {
  const hasCookie = request.cookies.has('curfew_session') || request.cookies.has('__Host-curfew_session')
  if (!hasCookie) return NextResponse.redirect(new URL('/', request.url))
  return NextResponse.next()
}

export const config = { matcher: ['/protected/:path*'] }
