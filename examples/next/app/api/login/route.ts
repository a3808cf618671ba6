import { curfew } from '../../../lib/curfew'

export async function POST(request: Request): Promise<Response> {
  const form = await request.formData()
  // Your own credential check goes here; this example accepts one demo user.
  if (form.get('username') !== 'ada' || form.get('password') !== 'lovelace') {
    return Response.json({ error: 'invalid_credentials' }, { status: 401 })
  }
  const { headers } = await curfew.signIn(request, { subject: 'ada' })
  headers.set('location', '/protected')
  return new Response(null, { status: 303, headers })
}
