import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { disputeStream, orderStream, blocksNewDispute, disputeDecider, orderDecider, orderSnapshot, rolloutFlow, type DisputeState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { ProblemException } from '../../platform/http/problem';
import { toUtcIso } from '../../platform/validation/validators';
import type { OpenDisputeDto } from '../disputes.dto';
import { DisputeInputs } from '../dispute-inputs';

/** A claim on the order stream whose dispute stream was never written (crash in between) is void after this. */
const ORPHAN_CLAIM_GRACE_MS = 30_000;
const DISPUTE_ID_NAMESPACE = '0b8f5a52-5f0e-4d1a-9d55-0c1c8f7c9e21';

/** POST /disputes: the platform opens a rush-order dispute. */
export class OpenDisputeCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly dto: OpenDisputeDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Two appends: (1) the claim on the order stream, which admits one not-final rush dispute at a time
 * (optimistic concurrency on the order stream; the active case's finality is read inside that loop because
 * the claim depends on it), (2) the case's own stream, opened with the order facts as they stand after the
 * claim. A key-derived dispute id makes a retried request land on the same case.
 */
@CommandHandler(OpenDisputeCommand)
export class OpenDisputeHandler implements ICommandHandler<OpenDisputeCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DisputeInputs,
  ) {}

  async execute({ dto, ctx }: OpenDisputeCommand): Promise<Handled<DisputeState>> {
    const now = new Date().toISOString();
    const openedAt = dto.openedAt ? toUtcIso(dto.openedAt) : now;
    if (Date.parse(openedAt) > Date.parse(now)) {
      throw new ProblemException(400, 'OPENED_AT_IN_FUTURE', 'openedAt may not be in the future.', {
        errors: [{ field: 'openedAt', messages: ['must not be in the future'] }],
      });
    }
    const newId = ctx.idempotencyKey ? uuidv5(`${ctx.actor.sub}|${ctx.idempotencyKey}`, DISPUTE_ID_NAMESPACE) : randomUUID();
    // The claim reads the order's events (an orphan claim's age is its event's recordedAt).
    const claim = await this.repo.handleWithEvents(
      orderStream(dto.orderId),
      orderDecider,
      async ({ state, events }) => {
        let activeDisputeFinal = true;
        if (state.activeDisputeId) {
          const active = await this.repo.load(disputeStream(state.activeDisputeId), disputeDecider);
          if (active.revision === null) {
            const claimed = events.find((e) => e.type === 'RushDisputeOpened' && e.data.disputeId === state.activeDisputeId);
            activeDisputeFinal = !claimed || Date.parse(now) - Date.parse(claimed.recordedAt) > ORPHAN_CLAIM_GRACE_MS;
          } else {
            // A case whose judgement is under appeal does not hold up a new dispute (see blocksNewDispute).
            activeDisputeFinal = !blocksNewDispute(active.state, now);
          }
        }
        return { type: 'OpenRushDispute' as const, disputeId: newId, openedAt, activeDisputeFinal, now };
      },
      ctx,
      'OpenRushDispute',
    );
    const disputeId = claim.state.activeDisputeId!;
    const order = orderSnapshot(claim.state);
    return this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      () => ({
        type: 'OpenDispute' as const,
        disputeId,
        order,
        openedAt,
        flow: rolloutFlow(order.merchantId, this.inputs.unifiedFlowRollout),
        settings: this.inputs.settings,
        now,
      }),
      ctx,
      'OpenDispute',
    );
  }
}
