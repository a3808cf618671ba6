import { curfew } from '../../../lib/curfew'

export async function POST(request: Request): Promise<Response> {
  const result = await curfew.signOut(request)
  if (!result.ok) return result.response
  result.headers.set('location', '/')
  return new Response(null, { status: 303, headers: result.headers })
}
