import { Module } from '@nestjs/common';
import { MERCHANT_WEEKS } from '../disputes/ports';
import { MerchantWeeksController } from './merchant-weeks.controller';
import { MerchantWeeksPort } from './merchant-weeks.port';
import { MerchantWeekQueries } from './queries/merchant-week-queries';
import { WeekSettlementDue } from './queries/week-settlement-due';
import { CloseMerchantWeekHandler } from './commands/close-merchant-week.handler';
import { CorrectMerchantWeekHandler } from './commands/correct-merchant-week.handler';

export const MERCHANT_WEEK_COMMAND_HANDLERS = [CloseMerchantWeekHandler, CorrectMerchantWeekHandler];

/**
 * Week settlement of penalty points: the merchant-week streams, written through one command handler per
 * command (dispatched on the CommandBus: the assessment at the week's close, a correction), the reads
 * (GET /merchants/{id}/weeks/{week}; the week statistics judgements are rendered with, behind MERCHANT_WEEKS,
 * the dispute feature's port) and what is due (WeekSettlementDue, exported for the deadline scheduler, which
 * dispatches the closes and the safety-net corrections).
 */
@Module({
  controllers: [MerchantWeeksController],
  providers: [MerchantWeekQueries, WeekSettlementDue, ...MERCHANT_WEEK_COMMAND_HANDLERS, MerchantWeeksPort, { provide: MERCHANT_WEEKS, useExisting: MerchantWeeksPort }],
  exports: [WeekSettlementDue, MERCHANT_WEEKS],
})
export class MerchantWeeksModule {}
