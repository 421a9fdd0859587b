import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module';
import { AuditController } from './audit.controller';

/** Tamper evidence over HTTP: stream pages, the global log, checkpoints, inclusion and consistency proofs. */
@Module({ imports: [ReadModelsModule], controllers: [AuditController] })
export class AuditModule {}
