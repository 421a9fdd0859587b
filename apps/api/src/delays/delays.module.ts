import { Module } from '@nestjs/common';
import { DELAY_EXCUSES, type DelayExcuses } from '../disputes/ports';
import { ReadModelsModule } from '../read-models/read-models.module';
import { DelayCardsController, DelayReportsController } from './delays.controller';
import { DelaysService } from './delays.service';

/**
 * Delay reports (预报备 / 紧急报备) and delay cards (延迟发货卡片): HTTP endpoints, the commands over their
 * streams, and the excuse source behind the DELAY_REPORTED / DELAY_CARD_ACCEPTED defenses (DELAY_EXCUSES, the
 * dispute feature's port). Their deadlines (card expiry, overdue review flag) fire in the deadline scheduler.
 */
@Module({
  imports: [ReadModelsModule],
  controllers: [DelayReportsController, DelayCardsController],
  providers: [
    DelaysService,
    { provide: DELAY_EXCUSES, inject: [DelaysService], useFactory: (delays: DelaysService): DelayExcuses => ({ forOrder: (order, now) => delays.excusesFor(order, now) }) },
  ],
  exports: [DelaysService, DELAY_EXCUSES],
})
export class DelaysModule {}
