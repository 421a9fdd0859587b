import { Inject, Injectable } from '@nestjs/common';
import { disputeStream, disputeDecider, type DisputeState } from '@app/domain';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository, type Handled } from '../platform/commands/aggregate-repository';
import type { CommandContext } from '../platform/commands/command-context';
import { assertVisible, notFound } from '../platform/auth/tenancy';
import type { Actor } from '../platform/auth/auth';
import type { AppealDto } from './appeals.dto';

/**
 * POST /disputes/{id}/appeal: the case's merchant appeals a MERCHANT_LIABLE judgement once, within
 * APPEAL_WINDOW of its decision, with a statement and at least one evidence item; the case goes back to
 * review (queue reason APPEAL, overdue after APPEAL_REVIEW_WINDOW). The decision goes through
 * POST /disputes/{id}/judgement by another adjudicator (four eyes, in the domain).
 */
@Injectable()
export class AppealsService {
  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  appeal(id: string, dto: AppealDto, actor: Actor, ctx: CommandContext): Promise<Handled<DisputeState>> {
    // The standing judgement's adjudicator is in its event's metadata: this command reads the stream's events.
    return this.repo.handleWithEvents(
      disputeStream(id),
      disputeDecider,
      ({ state, revision, events }) => {
        if (revision === null) throw notFound('Dispute', id);
        assertVisible(actor, state, 'Dispute', id);
        // The adjudicator who rendered the standing judgement (from its event's metadata): may not decide the appeal.
        const judged = [...events].reverse().find((e) => e.type === 'DisputeJudged');
        const by = judged?.metadata?.actor as { sub?: string; role?: string } | undefined;
        return {
          type: 'FileAppeal' as const,
          statement: dto.statement,
          evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
          filedBy: { sub: actor.sub, role: actor.role },
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
