import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { type Actor, CurrentActor, Roles } from '../auth/auth';
import { ID_MESSAGE, ID_PATTERN } from '../dto/validators';
import { notFound } from '../app/tenancy';
import { WeekSettlementService } from './week-settlement.service';

class MerchantWeekParams {
  @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId!: string;
  @IsString() @Matches(/^\d{4}-W\d{2}$/, { message: 'week must look like 2026-W47' }) week!: string;
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('merchants')
export class MerchantWeeksController {
  constructor(private readonly weeks: WeekSettlementService) {}

  @Get(':merchantId/weeks/:week')
  @Roles('platform', 'merchant', 'adjudicator', 'auditor')
  @ApiOperation({
    summary:
      "A merchant-week's settlement: final: false while open; once closed (WEEK_CLOSE_DELAY after its end) the recorded assessment — late orders counted, pickup rate, points — and its corrections",
  })
  get(@Param() p: MerchantWeekParams, @CurrentActor() actor: Actor) {
    if (actor.role === 'merchant' && actor.merchantId !== p.merchantId) throw notFound('Merchant', p.merchantId);
    return this.weeks.view(p.merchantId, p.week);
  }
}
