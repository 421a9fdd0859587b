import { Inject, Injectable, Optional } from '@nestjs/common';
import { disputeDecider, disputeStream, orderStream, assessShipping, orderDecider, orderSnapshot, type DisputeSettings, type DisputeState, type JudgeContext, type OrderSnapshot } from '@app/domain';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository, type Current, type Loaded } from '../platform/commands/aggregate-repository';
import type { Actor } from '../platform/auth/auth';
import { assertVisible, notFound } from '../platform/auth/tenancy';
import { ProblemException } from '../platform/http/problem';
import { DELAY_EXCUSES, MERCHANT_WEEKS, type DelayExcuses, type MerchantWeeks } from './ports';

/** A case the actor may see (another tenant's case answers 404 exactly like an unknown one). */
export function visibleCase<T extends Current<DisputeState>>(loaded: T, actor: Actor, id: string): T {
  if (loaded.revision === null) throw notFound('Dispute', id);
  assertVisible(actor, loaded.state, 'Dispute', id);
  return loaded;
}

/**
 * What dispute commands decide with besides their own stream: the dispute windows (settings), the order's
 * facts, the rules a judgement is rendered with (rules version + the merchant's week statistics), the delay
 * excuses. Handlers gather these once per command; every fact used is captured in the events.
 */
@Injectable()
export class DisputeInputs {
  readonly settings: DisputeSettings;

  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MERCHANT_WEEKS) @Optional() private readonly weeks: MerchantWeeks | null,
    @Inject(DELAY_EXCUSES) @Optional() private readonly excuses: DelayExcuses | null,
  ) {
    this.settings = {
      responseWindowMs: config.RESPONSE_WINDOW.ms,
      consumerResponseWindowMs: config.CONSUMER_RESPONSE_WINDOW.ms,
      contestWindowMs: config.CONTEST_WINDOW.ms,
      maxAgreedShipDelayMs: config.MAX_AGREED_SHIP_DELAY.ms,
      appealWindowMs: config.APPEAL_WINDOW.ms,
      appealReviewWindowMs: config.APPEAL_REVIEW_WINDOW.ms,
    };
  }

  get rulesVersion() {
    return this.config.RULES_VERSION;
  }

  get unifiedFlowRollout() {
    return this.config.UNIFIED_FLOW_ROLLOUT;
  }

  /** The case, read once, if the actor may see it (`visibleCase`). */
  async visibleCase(disputeId: string, actor: Actor): Promise<Loaded<DisputeState>> {
    return visibleCase(await this.repo.load(disputeStream(disputeId), disputeDecider), actor, disputeId);
  }

  /**
   * What the commands and reads that decide with the order's facts start from: the case if the actor may see
   * it, and its order's facts as they stand now (`order`). A read gets the case read now; a command
   * (`{ cached: true }`) the case as this process has it cached, else read — a decision on a cached copy is
   * confirmed by the repository (an old copy costs a conflict and a retry, never a wrong answer).
   */
  async visibleCaseWithOrder(disputeId: string, actor: Actor, opts: { cached?: boolean } = {}): Promise<{ loaded: Current<DisputeState>; order: OrderSnapshot }> {
    const stream = disputeStream(disputeId);
    const loaded = visibleCase(opts.cached ? await this.repo.current(stream, disputeDecider) : await this.repo.load(stream, disputeDecider), actor, disputeId);
    return { loaded, order: await this.order(loaded.state.orderId) };
  }

  /**
   * The order's facts as they stand now: one read of the order stream — of only the events after the cached
   * revision when this process has the order (a cancellation recorded a moment ago through another instance
   * counts). Never the cached state alone: a decision must see every fact recorded before it.
   */
  async order(orderId: string): Promise<OrderSnapshot> {
    const { state } = await this.repo.fresh(orderStream(orderId), orderDecider);
    if (!state.order) throw new ProblemException(404, 'ORDER_NOT_FOUND', `Order ${orderId} was not found.`);
    return orderSnapshot(state);
  }

  /**
   * The rules a judgement is rendered with: the configured version and the merchant's week stats (v2 points
   * depend on the weekly 48 h pickup rate). The week is the one the order's pickup deadline falls in — the week
   * its lateness counts in — or the current one when the order has no clock yet; its statistics are the settled
   * ones once the week closed (points final), otherwise those as of now (points provisional). Both are captured
   * in the event.
   */
  async rules(merchantId: string, now: string, order?: OrderSnapshot): Promise<JudgeContext> {
    const instant = (order && assessShipping(order, now).pickupDueAt) || now;
    const week = this.weeks ? await this.weeks.weekContext(merchantId, instant, now) : { merchantWeek: null, weekFinal: false };
    return { rulesVersion: this.config.RULES_VERSION, merchantWeek: week.merchantWeek, ...(week.weekFinal ? { weekFinal: true } : {}) };
  }

  /**
   * Rules for commands that cannot end in a late-shipment liability (a merchant's choice: settlements,
   * a verified defense is NOT_LIABLE, anything else goes to review; a consumer's answer: OUT_OF_STOCK or
   * review). Only late shipment carries points, so the merchant's week statistics cannot change these
   * judgements under any rules version and are not computed (recorded as unknown).
   */
  rulesWithoutWeek(): JudgeContext {
    return { rulesVersion: this.config.RULES_VERSION, merchantWeek: null };
  }

  /** The delay reports and cards bearing on the order (undefined when no delay feature is wired in). */
  async delayExcuses(order: OrderSnapshot, now: string) {
    return this.excuses ? this.excuses.forOrder(order, now) : undefined;
  }

  /** How the week settled an order's points (null without week settlement). */
  settlementOf(merchantId: string, orderId: string, week: string, asOf?: string): Promise<unknown> {
    return this.weeks ? this.weeks.settlementOf(merchantId, orderId, week, asOf) : Promise.resolve(null);
  }

  get merchantWeeks(): MerchantWeeks | null {
    return this.weeks;
  }
}
