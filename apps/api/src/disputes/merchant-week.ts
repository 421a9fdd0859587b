import { Injectable } from '@nestjs/common';
import type { MerchantWeek } from '@app/domain';

/** The week statistics a late-shipment judgement's points are rendered with, and whether they are settled. */
export interface WeekContext {
  merchantWeek: MerchantWeek | null;
  /** True when the week's assessment was recorded: the statistics are the settled ones (points final). */
  weekFinal: boolean;
}

/**
 * Supplies the merchant's weekly 48 h pickup statistics that v2 penalties depend on: for a closed week the
 * settled statistics of its assessment, for an open week those as of the time of asking (never as of an
 * instant inside the week). The value is captured in the judgement event. The merchant-weeks module
 * registers the real source.
 */
@Injectable()
export class MerchantWeekSource {
  private source: ((merchantId: string, weekInstant: string, now: string) => Promise<WeekContext>) | null = null;
  register(fn: (merchantId: string, weekInstant: string, now: string) => Promise<WeekContext>) {
    this.source = fn;
  }
  /** The week containing `weekInstant` (the order's pickup due time), as known at `now`. */
  async get(merchantId: string, weekInstant: string, now: string): Promise<WeekContext> {
    return this.source ? this.source(merchantId, weekInstant, now) : { merchantWeek: null, weekFinal: false };
  }
}
