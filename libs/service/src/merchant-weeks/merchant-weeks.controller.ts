import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { IdField, PatternField } from '../platform/validation/fields';
import { WEEK_MESSAGE, WEEK_RE } from '../platform/validation/queries';
import { Answers } from '../platform/openapi/decorators';
import { notFound } from '../platform/auth/tenancy';
import { MerchantWeekQueries } from './queries/merchant-week-queries';

class MerchantWeekParams {
  @IdField('merchantId', { description: 'Merchant id' }) merchantId!: string;
  @PatternField(WEEK_RE, WEEK_MESSAGE, { maxLength: 8, description: 'ISO week in BUSINESS_TIMEZONE', example: '2026-W47' }) week!: string;
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller('merchants')
export class MerchantWeeksController {
  constructor(private readonly weeks: MerchantWeekQueries) {}

  @Get(':merchantId/weeks/:week')
  @Roles('platform', 'merchant', 'adjudicator', 'auditor')
  @ApiOperation({
    summary:
      "A merchant-week's settlement: final: false while open; once closed (WEEK_CLOSE_DELAY after its end) the recorded assessment — late orders counted, pickup rate, points — and its corrections",
  })
  @Answers(200, 'MerchantWeek', "The merchant-week's settlement")
  get(@Param() p: MerchantWeekParams, @CurrentActor() actor: Actor) {
    if (actor.role === 'merchant' && actor.merchantId !== p.merchantId) throw notFound('Merchant', p.merchantId);
    return this.weeks.view(p.merchantId, p.week);
  }
}
