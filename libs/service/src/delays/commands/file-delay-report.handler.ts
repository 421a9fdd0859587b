import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  delayIndexDecider,
  delayIndexStream,
  delayReportDecider,
  delayReportStream,
  indexEntryOf,
  type DelayReportFiled,
  type DelayReportState,
  type FileDelayReport,
  type OrderSnapshot,
} from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { ProblemException } from '../../platform/http/problem';
import { toUtcIso } from '../../platform/validation/validators';
import type { FileDelayReportDto } from '../delays.dto';
import { DelayInputs, invalidInputAs400, newDelayId } from '../delay-inputs';

/** POST /delay-reports: the merchant files a pre-report (a window) or an emergency report (one order). */
export class FileDelayReportCommand extends Command<Handled<DelayReportState>> {
  constructor(
    readonly dto: FileDelayReportDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Gathers the order (emergency report: the merchant's own) once, decides first (a refusal writes nothing),
 * then the one two-stream write of the delay feature: the report's entry in the merchant's report index
 * (`delay-index-{merchantId}`), then the report itself. The index entry comes first so that a recorded report
 * is always findable; a dangling entry (crash in between) is ignored by readers. A key-derived report id makes
 * a retried request land on the recorded report (the repository answers it as a replay).
 */
@CommandHandler(FileDelayReportCommand)
export class FileDelayReportHandler implements ICommandHandler<FileDelayReportCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
  ) {}

  execute({ dto, ctx }: FileDelayReportCommand): Promise<Handled<DelayReportState>> {
    return invalidInputAs400(async () => {
      const order = await this.orderOf(dto, ctx);
      const reportId = newDelayId(ctx, 'delay-report');
      const merchantId = ctx.actor.merchantId!;
      const now = new Date().toISOString();
      const command: FileDelayReport = {
        type: 'FileDelayReport' as const,
        reportId,
        kind: dto.kind,
        merchantId,
        filedBy: ctx.actor.sub,
        ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
        ...(dto.note !== undefined ? { note: dto.note } : {}),
        evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
        ...(dto.windowStart !== undefined ? { windowStart: toUtcIso(dto.windowStart) } : {}),
        ...(dto.windowEnd !== undefined ? { windowEnd: toUtcIso(dto.windowEnd) } : {}),
        ...(order ? { order, timezone: this.inputs.timezone } : {}),
        ...(dto.promisedShipAt !== undefined ? { promisedShipAt: toUtcIso(dto.promisedShipAt) } : {}),
        reviewWindowMs: this.inputs.settings.reviewWindowMs,
        now,
      };
      const stream = delayReportStream(reportId);
      const existing = ctx.idempotencyKey ? await this.repo.load(stream, delayReportDecider) : null;
      if (existing?.revision == null) {
        const [filed] = delayReportDecider.decide(command, delayReportDecider.initialState()) as [DelayReportFiled];
        await this.repo.handle(
          delayIndexStream(merchantId),
          delayIndexDecider,
          () => ({ type: 'IndexDelayReport' as const, merchantId, entry: indexEntryOf(filed.data), now }),
          ctx,
          'IndexDelayReport',
        );
      }
      // A retry of a filing that was recorded (existing) is answered by the repository with the recorded report.
      return this.repo.handle(stream, delayReportDecider, () => command, ctx, 'FileDelayReport', existing ? { loaded: existing } : {});
    });
  }

  /** The order an emergency report is about (the merchant's own); a pre-report names none. */
  private async orderOf(dto: FileDelayReportDto, ctx: CommandContext): Promise<OrderSnapshot | undefined> {
    if (dto.kind !== 'EMERGENCY_REPORT') {
      if (dto.orderId === undefined) return undefined;
      throw new ProblemException(400, 'VALIDATION_FAILED', 'A pre-report covers a time window, not one order: leave orderId out.', {
        errors: [{ field: 'orderId', messages: ['only applies to an EMERGENCY_REPORT'] }],
      });
    }
    if (!dto.orderId) {
      throw new ProblemException(400, 'VALIDATION_FAILED', 'An emergency report needs the orderId of the order it is about.', {
        errors: [{ field: 'orderId', messages: ['is required for an EMERGENCY_REPORT'] }],
      });
    }
    return this.inputs.order(dto.orderId, ctx.actor);
  }
}
