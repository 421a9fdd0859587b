import { Module } from '@nestjs/common';
import { DELAY_EXCUSES } from '../disputes/ports';
import { ReadModelsModule } from '../read-models/read-models.module';
import { DelayCardsController, DelayReportsController } from './delays.controller';
import { DelayInputs } from './delay-inputs';
import { DelayQueries } from './queries/delay-queries';
import { DelayExcuseLookup } from './queries/delay-excuses';
import { FileDelayReportHandler } from './commands/file-delay-report.handler';
import { WithdrawDelayReportHandler } from './commands/withdraw-delay-report.handler';
import { ReviewDelayReportHandler } from './commands/review-delay-report.handler';
import { SendDelayCardHandler } from './commands/send-delay-card.handler';
import { RespondToDelayCardHandler } from './commands/respond-to-delay-card.handler';
import { FireDelayDeadlineHandler } from './commands/fire-delay-deadline.handler';

export const DELAY_COMMAND_HANDLERS = [
  FileDelayReportHandler,
  WithdrawDelayReportHandler,
  ReviewDelayReportHandler,
  SendDelayCardHandler,
  RespondToDelayCardHandler,
  FireDelayDeadlineHandler,
];

/**
 * Delay reports (预报备 / 紧急报备) and delay cards (延迟发货卡片): the routes, one command handler per command
 * (dispatched on the CommandBus), the reads (DelayQueries, exported for the deadline scheduler's due list and
 * read-model wait), and the excuse source behind the DELAY_REPORTED / DELAY_CARD_ACCEPTED defenses
 * (DELAY_EXCUSES, the dispute feature's port). Their deadlines (card expiry, overdue review flag) fire in the
 * deadline scheduler through FireDelayDeadlineCommand.
 */
@Module({
  imports: [ReadModelsModule],
  controllers: [DelayReportsController, DelayCardsController],
  providers: [DelayInputs, DelayQueries, DelayExcuseLookup, ...DELAY_COMMAND_HANDLERS, { provide: DELAY_EXCUSES, useExisting: DelayExcuseLookup }],
  exports: [DelayQueries, DELAY_EXCUSES],
})
export class DelaysModule {}
