import type { SessionManager } from '@curfew/server'
import { signIn, signOut } from '@curfew/server/express'
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common'
import type { Request, Response } from 'express'
import { SESSION_MANAGER } from './curfew.module.js'
import { SessionGuard } from './session.guard.js'

@Controller()
export class AppController {
  constructor(@Inject(SESSION_MANAGER) private readonly manager: SessionManager) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: { username?: string; password?: string },
    @Res({ passthrough: true }) res: Response,
  ) {
    // Your own credential check goes here; this example accepts one demo user.
    if (body.username !== 'ada' || body.password !== 'lovelace') {
      throw new UnauthorizedException({ error: 'invalid_credentials' })
    }
    return signIn(res, this.manager, { subject: body.username })
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const result = await signOut(req, res, this.manager)
    if (!result.ok) {
      res.status(result.httpStatus)
      return result.body
    }
    return { signedOut: true }
  }

  @Get('api/me')
  @UseGuards(SessionGuard)
  me(@Req() req: Request) {
    return { subject: req.curfew?.session.subject }
  }
}
