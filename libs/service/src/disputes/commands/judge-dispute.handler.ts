import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DisputeState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import type { JudgementDto } from '../disputes.dto';
import { DisputeInputs, visibleCase } from '../dispute-inputs';

/** POST /disputes/{id}/judgement: an adjudicator judges a case under review (also an appeal's decision). */
export class JudgeDisputeCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly disputeId: string,
    readonly dto: JudgementDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Reads the case once, gathers the rules (the order's pickup due time names the week whose statistics v2
 * points use) once per command, then read → decide → append. An appeal that overturns a late-shipment
 * liability on a week already settled records the week's correction afterwards (the week-settlement run
 * re-checks closed weeks, so a crash in between loses nothing).
 */
@CommandHandler(JudgeDisputeCommand)
export class JudgeDisputeHandler implements ICommandHandler<JudgeDisputeCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DisputeInputs,
  ) {}

  async execute({ disputeId, dto, ctx }: JudgeDisputeCommand): Promise<Handled<DisputeState>> {
    const { loaded, order } = await this.inputs.visibleCaseWithOrder(disputeId, ctx.actor, { cached: true });
    const rules = await this.inputs.rules(loaded.state.merchantId, new Date().toISOString(), order);
    const r = await this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      (current) => {
        visibleCase(current, ctx.actor, disputeId);
        return {
          type: 'Judge' as const,
          outcome: dto.outcome,
          ...(dto.violation ? { violation: dto.violation } : {}),
          rationale: dto.rationale,
          now: new Date().toISOString(),
          rules,
          adjudicator: ctx.actor.sub,
        };
      },
      ctx,
      'Judge',
      { loaded },
    );
    await this.correctSettledWeek(r);
    return r;
  }

  private async correctSettledWeek(r: Handled<DisputeState>): Promise<void> {
    const weeks = this.inputs.merchantWeeks;
    const judged = r.appended.find((e) => e.type === 'DisputeJudged');
    if (!weeks || !judged || (judged.data as { basis?: string }).basis !== 'APPEAL_OVERTURNED') return;
    const prior = r.state.judgements[r.state.judgements.length - 2];
    const week = prior?.judgement.penalty?.week ?? prior?.context?.merchantWeek?.week;
    if (!prior || prior.judgement.violation !== 'LATE_SHIPMENT' || !week) return;
    try {
      await weeks.correct(r.state.merchantId, week, r.state.orderId, r.state.disputeId, 'APPEAL_OVERTURNED', r.state.judgement!.decidedAt, judged.eventId);
    } catch {
      // The week-settlement run reconciles closed weeks with overturned liabilities.
    }
  }
}
