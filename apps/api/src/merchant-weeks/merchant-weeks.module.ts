import { Module } from '@nestjs/common';
import { MERCHANT_WEEKS } from '../disputes/ports';
import { MerchantWeeksController } from './merchant-weeks.controller';
import { WeekSettlementService } from './week-settlement.service';

/**
 * Week settlement of penalty points: the merchant-week streams (assessment at the week's close, corrections),
 * the close deadline (fired through the service's deadline scheduler), GET /merchants/{id}/weeks/{week}, and
 * the week statistics judgements are rendered with (MERCHANT_WEEKS, the dispute feature's port).
 */
@Module({
  controllers: [MerchantWeeksController],
  providers: [WeekSettlementService, { provide: MERCHANT_WEEKS, useExisting: WeekSettlementService }],
  exports: [WeekSettlementService, MERCHANT_WEEKS],
})
export class MerchantWeeksModule {}
