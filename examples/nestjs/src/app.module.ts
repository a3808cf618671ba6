import { Module } from '@nestjs/common'
import { AppController } from './app.controller.js'
import { CurfewModule } from './curfew.module.js'

@Module({ imports: [CurfewModule], controllers: [AppController] })
export class AppModule {}
