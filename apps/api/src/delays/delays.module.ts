import { Module, OnModuleInit } from '@nestjs/common';
import { DelayExcuseSource } from '../disputes/delay-excuses';
import { DelayDeadlines } from './delay-deadlines';
import { DelayCardsController, DelayReportsController } from './delays.controller';
import { DelaysService } from './delays.service';

/**
 * Delay reports (预报备 / 紧急报备) and delay cards (延迟发货卡片): HTTP endpoints, their deadlines (card expiry,
 * overdue review flag), and the excuse source behind the DELAY_REPORTED / DELAY_CARD_ACCEPTED defenses.
 * Uses the global CoreModule / PersistenceModule providers; the `delays` projection runs in the
 * application's ProjectionsService.
 */
@Module({
  controllers: [DelayReportsController, DelayCardsController],
  providers: [DelaysService, DelayDeadlines],
  exports: [DelaysService, DelayDeadlines],
})
export class DelaysModule implements OnModuleInit {
  constructor(
    private readonly delays: DelaysService,
    private readonly excuses: DelayExcuseSource,
  ) {}

  onModuleInit(): void {
    this.excuses.register((order, now) => this.delays.excusesFor(order, now));
  }
}
