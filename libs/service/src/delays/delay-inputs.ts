import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { delayReportDecider, delayReportStream, isDomainError, orderDecider, orderSnapshot, orderStream, type DelayReportState, type OrderSnapshot } from '@app/domain';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository, type Loaded } from '../platform/commands/aggregate-repository';
import type { CommandContext } from '../platform/commands/command-context';
import type { Actor } from '../platform/auth/auth';
import { canSee, notFound } from '../platform/auth/tenancy';
import { ProblemException } from '../platform/http/problem';
import { loadDelaySettings, type DelaySettings } from './delay-settings';

const ID_NAMESPACE = 'a3d8c0e2-54b1-4f4e-8f0c-2b7d6e9c1f35';

/** A new report's or card's id: derived from the idempotency key when there is one (a retry lands on the same id). */
export function newDelayId(ctx: CommandContext, what: string): string {
  return ctx.idempotencyKey ? uuidv5(`${what}|${ctx.actor.role}:${ctx.actor.sub}|${ctx.idempotencyKey}`, ID_NAMESPACE) : randomUUID();
}

/** Runs `run`, answering a domain INVALID_INPUT as a 400 listing the bad field, like request validation. */
export async function invalidInputAs400<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isDomainError(e) && e.code === 'INVALID_INPUT') {
      const field = typeof e.details?.field === 'string' ? e.details.field : 'body';
      throw new ProblemException(400, 'INVALID_INPUT', e.message, { ...(e.details ?? {}), errors: [{ field, messages: [e.message] }] });
    }
    throw e;
  }
}

/** Merchants see their own reports; the platform, adjudicators and auditors all; consumers none. */
function canSeeReport(actor: Actor, state: DelayReportState): boolean {
  if (state.status === 'NONE') return false;
  if (actor.role === 'merchant') return actor.merchantId === state.merchantId;
  return actor.role === 'platform' || actor.role === 'adjudicator' || actor.role === 'auditor';
}

/**
 * What the delay commands and queries read besides the stream they write: the delay windows (settings), the
 * business time zone, the order a card or an emergency report is about, and the report as the actor may see
 * it (another tenant's order or report answers 404 exactly like an unknown one). Handlers gather these once
 * per command.
 */
@Injectable()
export class DelayInputs {
  readonly settings: DelaySettings;

  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.settings = loadDelaySettings();
  }

  get timezone(): string {
    return this.config.BUSINESS_TIMEZONE;
  }

  /** The order's facts, if the actor may see the order (one read of the order stream). */
  async order(orderId: string, actor: Actor): Promise<OrderSnapshot> {
    const { state } = await this.repo.load(orderStream(orderId), orderDecider);
    if (!state.order || !canSee(actor, state.order)) throw new ProblemException(404, 'ORDER_NOT_FOUND', `Order ${orderId} was not found.`);
    return orderSnapshot(state);
  }

  /** The report's stream as read now, if the actor may see the report. */
  async report(reportId: string, actor: Actor): Promise<Loaded<DelayReportState>> {
    const loaded = await this.repo.load(delayReportStream(reportId), delayReportDecider);
    if (loaded.revision === null || !canSeeReport(actor, loaded.state)) throw notFound('Delay report', reportId);
    return loaded;
  }
}
