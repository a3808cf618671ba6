// The parent's control channel of every HTTP bench server: its CPU time on request, stop on request.

/** Answers the parent's `cpu` and `stop` messages for a listening `node:http` server. */
export function serveControl(server, cleanups) {
  server.keepAliveTimeout = 60_000
  process.on('message', async (message) => {
    // CPU time this server used (µs), so the parent can divide it by the requests it sent: a cost per
    // request that other processes on a busy machine disturb far less than requests per second.
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage()
      process.send({ cpu: user + system, user })
      return
    }
    if (message !== 'stop') return
    server.closeAllConnections()
    server.close()
    for (const cleanup of cleanups) await cleanup()
    process.exit(0)
  })
  process.on('disconnect', () => process.exit(0))
}
