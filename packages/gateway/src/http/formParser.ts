import type { FastifyInstance } from 'fastify'

/**
 * Registers routes in a scope that parses small HTML form posts. Kept out of the root scope so proxied
 * requests' bodies are never consumed by the gateway.
 */
export function withFormBodies(app: FastifyInstance, routes: (scope: FastifyInstance) => void): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    )
    routes(scope)
  })
}
