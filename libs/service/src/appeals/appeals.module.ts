import { Module } from '@nestjs/common';
import { AppealsController } from './appeals.controller';
import { AppealDisputeHandler } from './commands/appeal-dispute.handler';

/**
 * Appeals (申诉): POST /disputes/{id}/appeal, dispatched on the CommandBus to its handler. The decision is the
 * dispute's judgement endpoint (four eyes in the domain).
 */
@Module({
  controllers: [AppealsController],
  providers: [AppealDisputeHandler],
})
export class AppealsModule {}
