import { Module } from '@nestjs/common';
import { AppealDisputeHandler, AppealsController } from './appeals.controller';
import { AppealsService } from './appeals.service';

/** Appeals (申诉): POST /disputes/{id}/appeal. The decision is the dispute's judgement endpoint (four eyes in the domain). */
@Module({
  controllers: [AppealsController],
  providers: [AppealsService, AppealDisputeHandler],
})
export class AppealsModule {}
