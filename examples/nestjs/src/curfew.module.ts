import { createSessionManager, type SessionManager } from '@curfew/server'
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common'

/** Injection token of the one SessionManager the app shares. */
export const SESSION_MANAGER = 'CURFEW_SESSION_MANAGER'

/**
 * Provides the manager everywhere, and closes it (timers, pending audit events, a store it owns) when the
 * app shuts down — with `app.enableShutdownHooks()` for SIGTERM/SIGINT, as in main.ts.
 */
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
export class CurfewModule implements OnApplicationShutdown {
  constructor(@Inject(SESSION_MANAGER) private readonly manager: SessionManager) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.manager.close()
    console.log(`curfew: session manager closed (${signal ?? 'app.close()'})`)
  }
}
