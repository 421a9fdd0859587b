import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DisputeCommand, type DisputeState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { toUtcIso } from '../../platform/validation/validators';
import type { ChoiceDto } from '../disputes.dto';
import { DisputeInputs, visibleCase } from '../dispute-inputs';

/** POST /disputes/{id}/choice: the merchant's one settlement or no-fault defense. */
export class ChooseOptionCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly disputeId: string,
    readonly dto: ChoiceDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Reads the case once (tenancy: another merchant's case is a 404), gathers the order's facts and — for a
 * no-fault defense — the delay excuses once per command, then runs read → decide → append (a concurrent
 * write re-reads only the case: the decision captures the order facts it used, not the order's revision).
 */
@CommandHandler(ChooseOptionCommand)
export class ChooseOptionHandler implements ICommandHandler<ChooseOptionCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DisputeInputs,
  ) {}

  async execute({ disputeId, dto, ctx }: ChooseOptionCommand): Promise<Handled<DisputeState>> {
    const { loaded, order } = await this.inputs.visibleCaseWithOrder(disputeId, ctx.actor, { cached: true });
    const delayExcuses = dto.option === 'NO_FAULT_DEFENSE' ? await this.inputs.delayExcuses(order, new Date().toISOString()) : undefined;
    const choice = {
      option: dto.option,
      ...(dto.agreedShipBy ? { agreedShipBy: toUtcIso(dto.agreedShipBy) } : {}),
      evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
      ...(dto.defense ? { defense: { reason: dto.defense.reason, statement: dto.defense.statement } } : {}),
    };
    return this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      (current): Extract<DisputeCommand, { type: 'ChooseOption' }> => {
        visibleCase(current, ctx.actor, disputeId);
        return {
          type: 'ChooseOption',
          ...choice,
          order,
          now: new Date().toISOString(),
          rules: this.inputs.rulesWithoutWeek(),
          ...(delayExcuses !== undefined ? { delayExcuses } : {}),
        };
      },
      ctx,
      'ChooseOption',
      { loaded },
    );
  }
}
