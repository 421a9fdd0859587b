import { Injectable } from '@nestjs/common';
import type { MerchantWeek } from '@app/domain';

/**
 * Supplies the merchant's weekly 48 h pickup statistics that v2 penalties depend on. The value is captured
 * in the judgement event, so a replay never needs it again. The projections module registers the real source.
 */
@Injectable()
export class MerchantWeekSource {
  private source: ((merchantId: string, instant: string) => Promise<MerchantWeek | null>) | null = null;
  register(fn: (merchantId: string, instant: string) => Promise<MerchantWeek | null>) {
    this.source = fn;
  }
  async get(merchantId: string, instant: string): Promise<MerchantWeek | null> {
    return this.source ? this.source(merchantId, instant) : null;
  }
}
