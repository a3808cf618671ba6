import 'reflect-metadata'
import type { SessionManager } from '@curfew/server'
import { sessionRoutes } from '@curfew/server/express'
import { NestFactory } from '@nestjs/core'
import type { NestExpressApplication } from '@nestjs/platform-express'
import { AppModule } from './app.module.js'
import { SESSION_MANAGER } from './curfew.module.js'

async function main() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error', 'warn'] })
  // The session routes the browser SDK calls, as plain Express middleware on Nest's Express instance.
  app.use('/session', sessionRoutes(app.get<SessionManager>(SESSION_MANAGER)))
  app.enableShutdownHooks()
  const port = Number(process.env.PORT ?? 3000)
  await app.listen(port, '127.0.0.1')
  console.log(`curfew nestjs example on http://127.0.0.1:${port}`)
}

void main()
