import { curfew } from '../../../lib/curfew'

// `[[...path]]` (optional catch-all) matches `/session` itself as well as `/session/activity` etc.
// A `[...path]` folder would miss `GET /session`, the status check the browser SDK starts with.
async function handle(request: Request): Promise<Response> {
  const answer = await curfew.handle(request)
  if (answer) return answer
  // Reached only when this file's location and createSessionHandler's `basePath` disagree.
  return Response.json(
    {
      error: 'not_found',
      message:
        'No Curfew session route here. The route file must sit at app/<basePath>/[[...path]]/route.ts ' +
        'and createSessionHandler({ basePath }) must name the same path (default /session).',
    },
    { status: 404 },
  )
}

export const GET = handle
export const POST = handle
