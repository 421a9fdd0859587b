import { Module, OnModuleInit } from '@nestjs/common';
import { MerchantWeekSource } from '../disputes/merchant-week';
import { MerchantWeeksController } from './merchant-weeks.controller';
import { WeekSettlementService } from './week-settlement.service';

/**
 * Week settlement of penalty points: the merchant-week streams (assessment at the week's close, corrections),
 * the close deadline (fired through the service's deadline scheduler), GET /merchants/{id}/weeks/{week}, and
 * the week statistics judgements are rendered with (MerchantWeekSource).
 */
@Module({
  controllers: [MerchantWeeksController],
  providers: [WeekSettlementService],
  exports: [WeekSettlementService],
})
export class MerchantWeeksModule implements OnModuleInit {
  constructor(
    private readonly weeks: WeekSettlementService,
    private readonly source: MerchantWeekSource,
  ) {}

  onModuleInit(): void {
    this.source.register((merchantId, weekInstant, now) => this.weeks.weekContext(merchantId, weekInstant, now));
  }
}
