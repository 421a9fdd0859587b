import { Injectable, Logger } from '@nestjs/common';
import type { OrderState } from '@app/domain';
import type { Handled } from '../app/aggregate-repository';
import type { CommandContext } from '../app/command-context';
import { DisputesService } from './disputes.service';

/** Order facts that move a dispute along (a pickup scan settles a case waiting for shipment). */
@Injectable()
export class DisputeReactions {
  private readonly logger = new Logger('reactions');
  constructor(private readonly disputes: DisputesService) {}

  async pickupObserved(disputeId: string, orderResult: Handled<OrderState>, ctx: CommandContext): Promise<void> {
    try {
      await this.disputes.pickupObserved(disputeId, orderResult, ctx);
    } catch (e) {
      // The fact itself is recorded; the AGREED_SHIP_BY deadline re-checks the facts, so nothing is lost.
      this.logger.warn({ err: e, disputeId }, 'pickup reaction failed; the agreed-ship-by deadline will re-check');
    }
  }
}
