import type { SessionManager } from '@curfew/server'
import { sessionMiddleware } from '@curfew/server/express'
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common'
import type { Request, RequestHandler, Response } from 'express'
import { SESSION_MANAGER } from './curfew.module.js'

/**
 * Admits only requests with a live session, through the Express adapter's middleware: the session lands
 * on `req.session` / `req.curfew`, the `Curfew-Session` header is set, and a refused request has its typed
 * 401 (or 503) sent by the middleware itself. Nest then sees `false` with the answer already sent, and
 * leaves it alone.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  private readonly middleware: RequestHandler

  constructor(@Inject(SESSION_MANAGER) manager: SessionManager) {
    this.middleware = sessionMiddleware(manager)
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp()
    let passed = false
    await this.middleware(http.getRequest<Request>(), http.getResponse<Response>(), () => {
      passed = true
    })
    return passed
  }
}
