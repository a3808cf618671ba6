import { createSessionManager, type SessionManager } from '@curfew/server'
import { Global, Module } from '@nestjs/common'

/** Injection token of the one SessionManager the app shares. */
export const SESSION_MANAGER = 'CURFEW_SESSION_MANAGER'

/** Provides the manager everywhere; closes it (timers, store connection) when the app shuts down. */
@Global()
@Module({
  providers: [
    {
      provide: SESSION_MANAGER,
      useFactory: (): SessionManager =>
        createSessionManager({
          policy: {
            idleTimeout: process.env.CURFEW_IDLE ?? '15m',
            absoluteTimeout: process.env.CURFEW_ABSOLUTE ?? '12h',
          },
        }),
    },
  ],
  exports: [SESSION_MANAGER],
})
export class CurfewModule {}
