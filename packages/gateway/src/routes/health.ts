import type { FastifyInstance } from 'fastify'

/**
 * `/healthz`: the process is up. `/readyz`: it can take traffic — the store answers and no shutdown is
 * under way (a load balancer stops sending new requests before the sockets close).
 */
export function healthRoutes(
  app: FastifyInstance,
  state: { ready(timeoutMs: number): Promise<boolean>; draining(): boolean },
): void {
  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  )
  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    if (state.draining()) return reply.code(503).send({ status: 'shutting_down' })
    if (!(await state.ready(500))) return reply.code(503).send({ status: 'store_unavailable' })
    return reply.send({ status: 'ready' })
  })
}
