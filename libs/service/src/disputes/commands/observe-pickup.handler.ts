import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type OrderFactRef } from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import { systemContext } from '../../platform/commands/command-context';

/** Reaction: the order's pickup scan (event `causationEventId`) may settle a case waiting for shipment. */
export class ObservePickupCommand extends Command<boolean> {
  constructor(
    readonly disputeId: string,
    readonly pickup: OrderFactRef,
    readonly causationEventId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/**
 * Idempotent by construction, as a reaction run from the log must be: the decider records nothing unless the
 * case is still AWAITING_SHIPMENT, and the command carries an idempotency key derived from the order event,
 * so a second run for the same event (inline then from the log, or after a crash) is a replay: the same
 * deterministic event ids, nothing appended twice. Answers whether anything was recorded.
 */
@CommandHandler(ObservePickupCommand)
export class ObservePickupHandler implements ICommandHandler<ObservePickupCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  async execute({ disputeId, pickup, causationEventId, correlationId }: ObservePickupCommand): Promise<boolean> {
    const stream = disputeStream(disputeId);
    // Fresh, not cached: the early return below must not rest on a state this process saw a while ago.
    const loaded = await this.repo.fresh(stream, disputeDecider);
    if (loaded.state.status !== 'AWAITING_SHIPMENT') return false;
    const ctx = { ...systemContext('reaction:pickup', causationEventId, correlationId), idempotencyKey: `pickup:${causationEventId}` };
    const r = await this.repo.handle(stream, disputeDecider, () => ({ type: 'ObservePickup' as const, pickup, now: new Date().toISOString() }), ctx, 'ObservePickup', {
      loaded,
    });
    return r.appended.length > 0;
  }
}
