import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DeadlineKind } from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { DisputeInputs } from '../dispute-inputs';

/** A case's deadline (response, consumer response, contest window, agreed ship-by, review) fires if still due. */
export class FireDeadlineCommand extends Command<boolean> {
  constructor(
    readonly disputeId: string,
    readonly deadline: DeadlineKind,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Gets the case (cached when this process has it), gathers the order's facts and the rules once, then decide → append. The
 * decider ignores a deadline that is no longer pending and the append uses the exact expected revision, so
 * firing is exactly-once across instances. Answers whether anything was recorded.
 */
@CommandHandler(FireDeadlineCommand)
export class FireDeadlineHandler implements ICommandHandler<FireDeadlineCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DisputeInputs,
  ) {}

  async execute({ disputeId, deadline, ctx }: FireDeadlineCommand): Promise<boolean> {
    const stream = disputeStream(disputeId);
    const loaded = await this.repo.current(stream, disputeDecider);
    if (loaded.revision === null) return false;
    const order = await this.inputs.order(loaded.state.orderId);
    const rules = await this.inputs.rules(loaded.state.merchantId, new Date().toISOString(), order);
    const r = await this.repo.handle(
      stream,
      disputeDecider,
      () => ({ type: 'FireDeadline' as const, deadline, order, rules, now: new Date().toISOString() }),
      ctx,
      `FireDeadline:${deadline}`,
      { loaded },
    );
    return r.appended.length > 0;
  }
}
