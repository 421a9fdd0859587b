import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DisputeState } from '@app/domain';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { visibleCase } from '../../disputes/dispute-inputs';
import type { AppealDto } from '../appeals.dto';

/**
 * POST /disputes/{id}/appeal: the case's merchant appeals a MERCHANT_LIABLE judgement once, within
 * APPEAL_WINDOW of its decision, with a statement and at least one evidence item; the case goes back to
 * review (queue reason APPEAL, overdue after APPEAL_REVIEW_WINDOW). The decision goes through
 * POST /disputes/{id}/judgement by another adjudicator (four eyes, in the domain).
 */
export class AppealDisputeCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly disputeId: string,
    readonly dto: AppealDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Read → decide → append on the case's stream; its inputs are the case itself (another merchant's case is a
 * 404) and the appeal windows. The adjudicator who rendered the standing judgement (from its event's metadata)
 * is named in the appeal, so that the domain keeps them from deciding it.
 */
@CommandHandler(AppealDisputeCommand)
export class AppealDisputeHandler implements ICommandHandler<AppealDisputeCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ disputeId, dto, ctx }: AppealDisputeCommand): Promise<Handled<DisputeState>> {
    // The standing judgement's adjudicator is in its event's metadata: this command reads the stream's events.
    return this.repo.handleWithEvents(
      disputeStream(disputeId),
      disputeDecider,
      (loaded) => {
        visibleCase(loaded, ctx.actor, disputeId);
        const judged = [...loaded.events].reverse().find((e) => e.type === 'DisputeJudged');
        const by = judged?.metadata?.actor as { sub?: string; role?: string } | undefined;
        return {
          type: 'FileAppeal' as const,
          statement: dto.statement,
          evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
          filedBy: { sub: ctx.actor.sub, role: ctx.actor.role },
          ...(by?.role === 'adjudicator' && by.sub ? { appealedAdjudicator: by.sub } : {}),
          appealWindowMs: this.config.APPEAL_WINDOW.ms,
          reviewWindowMs: this.config.APPEAL_REVIEW_WINDOW.ms,
          now: new Date().toISOString(),
        };
      },
      ctx,
      'FileAppeal',
    );
  }
}
