import { Injectable } from '@nestjs/common';
import type { DelayExcuse, OrderSnapshot } from '@app/domain';

/**
 * Supplies the delay reports and delay cards that may excuse an order's delay (passed to ChooseOption as
 * `delayExcuses`, and captured in the decision event). The delay-report feature registers the real source.
 */
@Injectable()
export class DelayExcuseSource {
  private source: ((order: OrderSnapshot, now: string) => Promise<DelayExcuse[]>) | null = null;
  register(fn: (order: OrderSnapshot, now: string) => Promise<DelayExcuse[]>) {
    this.source = fn;
  }
  get registered(): boolean {
    return this.source !== null;
  }
  async forOrder(order: OrderSnapshot, now: string): Promise<DelayExcuse[] | undefined> {
    return this.source ? this.source(order, now) : undefined;
  }
}
