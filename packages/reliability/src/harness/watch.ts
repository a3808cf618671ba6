/**
 * Counts every unhandled rejection and uncaught exception in this test process while installed, so a
 * suite can assert that hostile input and faults never leave a promise rejected with nobody listening.
 */
export function watchProcess() {
  const rejections: unknown[] = []
  const exceptions: unknown[] = []
  const onRejection = (reason: unknown) => rejections.push(reason)
  const onException = (error: unknown) => exceptions.push(error)
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    rejections,
    exceptions,
    stop() {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
}
