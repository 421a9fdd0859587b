import { Module } from '@nestjs/common';
import { PROJECTION_STATUS } from '../platform/health/projection-status';
import { ProjectionsService } from './projections.service';
import { ReadModelsController } from './read-models.controller';

/**
 * The read models and the audit Merkle log: the projections runner (ProjectionsService), the list/queue/
 * scorecard routes, and the projection status /health reports (PROJECTION_STATUS).
 */
@Module({
  controllers: [ReadModelsController],
  providers: [ProjectionsService, { provide: PROJECTION_STATUS, useExisting: ProjectionsService }],
  exports: [ProjectionsService, PROJECTION_STATUS],
})
export class ReadModelsModule {}
