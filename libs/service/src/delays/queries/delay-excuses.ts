import { Injectable } from '@nestjs/common';
import {
  delayCardDecider,
  delayCardStream,
  delayExcusesFor,
  delayIndexDecider,
  delayIndexStream,
  delayReportDecider,
  delayReportStream,
  indexedReportsFor,
  type DelayExcuse,
  type OrderSnapshot,
} from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { DelayExcuses } from '../../disputes/ports';

/**
 * The reports and cards bearing on an order, for the merchant's no-fault defense (the dispute feature's
 * DELAY_EXCUSES port, provided by DelaysModule), read from the streams (consistent: a report filed or reviewed
 * a moment ago counts): the merchant's report index (`delay-index-{merchantId}`) names the candidate reports,
 * each report's stream gives its current status, and the order's card stream its card.
 */
@Injectable()
export class DelayExcuseLookup implements DelayExcuses {
  constructor(private readonly repo: AggregateRepository) {}

  async forOrder(order: OrderSnapshot, now: string): Promise<DelayExcuse[]> {
    // Each stream as it stands now (`fresh`: only the events after this process's cached revision are read);
    // the index and the card at once, then the reports the index names.
    const [{ state: index }, { state: card }] = await Promise.all([
      this.repo.fresh(delayIndexStream(order.merchantId), delayIndexDecider),
      this.repo.fresh(delayCardStream(order.orderId), delayCardDecider),
    ]);
    const ids = indexedReportsFor(index, order);
    const reports = await Promise.all(ids.map(async (id) => (await this.repo.fresh(delayReportStream(id), delayReportDecider)).state));
    return delayExcusesFor(order, reports, card.status === 'NONE' ? [] : [card], now);
  }
}
