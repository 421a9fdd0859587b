import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  assessShipping,
  blocksNewDispute,
  disputeDecider,
  evaluateOptions,
  orderDecider,
  orderSnapshot,
  rejudge,
  rolloutFlow,
  toDisputeView,
  type DeadlineKind,
  type DisputeSettings,
  type DisputeState,
  type DisputeView,
  type JudgeContext,
  type OrderSnapshot,
  type OrderState,
  type RulesVersion,
  disputeStream,
  orderStream,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository, type Handled, toDomainEvent } from '../app/aggregate-repository';
import type { CommandContext } from '../app/command-context';
import { assertVisible, notFound } from '../app/tenancy';
import type { Actor } from '../auth/auth';
import type { ChoiceDto, ConsumerResponseDto, ContestDto, JudgementDto, OpenDisputeDto } from '../dto/disputes.dto';
import { INSTANT_RULE, parseInstant, toUtcIso } from '../dto/validators';
import { ProblemException } from '../http/problem';
import { MerchantWeekSource } from './merchant-week';
import { DelayExcuseSource } from './delay-excuses';
import { WeekSettlementService } from '../merchant-weeks/week-settlement.service';

/** A claim on the order stream whose dispute stream was never written (crash in between) is void after this. */
const ORPHAN_CLAIM_GRACE_MS = 30_000;
const DISPUTE_ID_NAMESPACE = '0b8f5a52-5f0e-4d1a-9d55-0c1c8f7c9e21';

export type DisputeResponse = DisputeView & { revision: number; stream: string };

export interface TimelineEntry {
  revision: number;
  position: string;
  eventId: string;
  type: string;
  recordedAt: string;
  actor: unknown;
  metadata: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Absent with `states: 'changed'` when the event left the case view as the event before it did. */
  stateAfter?: DisputeView;
}

@Injectable()
export class DisputesService {
  readonly settings: DisputeSettings;

  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly merchantWeeks: MerchantWeekSource,
    private readonly delayExcuses: DelayExcuseSource,
    private readonly weeks: WeekSettlementService,
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

  view(state: DisputeState, revision: number | null, now = new Date().toISOString()): DisputeResponse {
    return { ...toDisputeView(state, now), revision: revision ?? -1, stream: disputeStream(state.disputeId) };
  }

  /**
   * The view with the standing judgement's points as its week settled them, as of `asOf` (now by default):
   * `judgement.penalty` is what the judgement recorded (provisional while its week was open);
   * `judgement.settledPenalty` appears once the week's assessment (and any correction) was recorded by then.
   */
  async present(state: DisputeState, revision: number | null, asOf?: string): Promise<DisputeResponse> {
    const view = this.view(state, revision, asOf);
    const settled = await this.settledPenalty(state, asOf);
    if (settled && view.judgement) view.judgement = { ...view.judgement, settledPenalty: settled } as typeof view.judgement;
    return view;
  }

  private async settledPenalty(state: DisputeState, asOf?: string) {
    const j = state.judgement;
    const week = j?.penalty?.week ?? state.judgementContext?.merchantWeek?.week;
    if (!j || j.violation !== 'LATE_SHIPMENT' || !week) {
      // An overturned late-shipment liability: show how the week settles the order (not counted).
      const prior = (state.judgements ?? []).find((r) => r.judgement.violation === 'LATE_SHIPMENT');
      const w = prior?.judgement.penalty?.week ?? prior?.context?.merchantWeek?.week;
      return j && prior && w ? this.weeks.settlementOf(state.merchantId, state.orderId, w, asOf) : null;
    }
    return this.weeks.settlementOf(state.merchantId, state.orderId, week, asOf);
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
    const week = await this.merchantWeeks.get(merchantId, instant, now);
    return { rulesVersion: this.config.RULES_VERSION, merchantWeek: week.merchantWeek, ...(week.weekFinal ? { weekFinal: true } : {}) };
  }

  private async rulesFor(state: DisputeState, now: string): Promise<JudgeContext> {
    const { snapshot } = await this.orderSnapshotOf(state.orderId);
    return this.rules(state.merchantId, now, snapshot);
  }

  async orderSnapshotOf(orderId: string): Promise<{ snapshot: OrderSnapshot; state: OrderState }> {
    const { state } = await this.repo.load(orderStream(orderId), orderDecider);
    if (!state.order) throw new ProblemException(404, 'ORDER_NOT_FOUND', `Order ${orderId} was not found.`);
    return { snapshot: orderSnapshot(state), state };
  }

  async open(dto: OpenDisputeDto, ctx: CommandContext): Promise<Handled<DisputeState>> {
    const now = new Date().toISOString();
    const openedAt = dto.openedAt ? toUtcIso(dto.openedAt) : now;
    if (Date.parse(openedAt) > Date.parse(now)) {
      throw new ProblemException(400, 'OPENED_AT_IN_FUTURE', 'openedAt may not be in the future.', {
        errors: [{ field: 'openedAt', messages: ['must not be in the future'] }],
      });
    }
    const newId = ctx.idempotencyKey ? uuidv5(`${ctx.actor.sub}|${ctx.idempotencyKey}`, DISPUTE_ID_NAMESPACE) : randomUUID();
    // 1. Claim the order: the order stream admits one not-final rush dispute at a time (optimistic concurrency).
    const claim = await this.repo.handle(
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
    // 2. Open the case in its own stream, with the order facts as they stand now.
    return this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      () => ({
        type: 'OpenDispute' as const,
        disputeId,
        order,
        openedAt,
        flow: rolloutFlow(order.merchantId, this.config.UNIFIED_FLOW_ROLLOUT),
        settings: this.settings,
        now,
      }),
      ctx,
      'OpenDispute',
    );
  }

  /** Loads a dispute visible to the actor (another tenant's answers 404). */
  async loadVisible(id: string, actor: Actor) {
    const loaded = await this.repo.load(disputeStream(id), disputeDecider);
    if (loaded.revision === null) throw notFound('Dispute', id);
    assertVisible(actor, loaded.state, 'Dispute', id);
    return loaded;
  }

  async get(id: string, actor: Actor, at?: string): Promise<DisputeResponse> {
    if (at === undefined) {
      const { state, revision } = await this.loadVisible(id, actor);
      return this.present(state, revision);
    }
    // The revision or instant is checked before anything is read: a malformed `at` is a 400 even for an unknown id.
    const instant = parseInstant(at);
    if (!/^\d{1,15}$/.test(at) && instant === null) {
      throw new ProblemException(400, 'INVALID_AT', `\`at\` must be a revision number or ${INSTANT_RULE}.`, {
        errors: [{ field: 'at', messages: [`must be a revision number or ${INSTANT_RULE}`] }],
      });
    }
    const { events } = await this.loadVisible(id, actor);
    let upTo: (e: RecordedEvent) => boolean;
    let asOf: string;
    if (instant === null) {
      const rev = Number(at);
      upTo = (e) => e.revision <= rev;
      asOf = events.find((e) => e.revision === rev)?.recordedAt ?? events[events.length - 1].recordedAt;
    } else {
      upTo = (e) => Date.parse(e.recordedAt) <= instant;
      asOf = new Date(instant).toISOString();
    }
    let state = disputeDecider.initialState();
    let revision: number | null = null;
    for (const e of events) {
      if (!upTo(e)) break;
      state = disputeDecider.evolve(state, toDomainEvent(e));
      revision = e.revision;
    }
    if (revision === null) throw new ProblemException(404, 'NOT_YET_OPEN', `Dispute ${id} did not exist at ${at}.`);
    return { ...(await this.present(state, revision, asOf)), asOf } as DisputeResponse;
  }

  async options(id: string, actor: Actor) {
    const { state } = await this.loadVisible(id, actor);
    const { snapshot } = await this.orderSnapshotOf(state.orderId);
    return { disputeId: id, options: evaluateOptions(state, snapshot, new Date().toISOString(), this.settings) };
  }

  /** Runs a command on a case the actor may see (one read of the stream: the tenancy check sits in the command). */
  private act(id: string, actor: Actor, ctx: CommandContext, name: string, make: (state: DisputeState, now: string) => Promise<any>) {
    return this.repo.handle(
      disputeStream(id),
      disputeDecider,
      ({ state, revision }) => {
        if (revision === null) throw notFound('Dispute', id);
        assertVisible(actor, state, 'Dispute', id);
        return make(state, new Date().toISOString());
      },
      ctx,
      name,
    );
  }

  /**
   * Rules for commands that cannot end in a late-shipment liability (a merchant's choice: settlements,
   * a verified defense is NOT_LIABLE, anything else goes to review; a consumer's answer: OUT_OF_STOCK or
   * review). Only late shipment carries points, so the merchant's week statistics cannot change these
   * judgements under any rules version and are not computed (recorded as unknown).
   */
  private rulesWithoutWeek(): JudgeContext {
    return { rulesVersion: this.config.RULES_VERSION, merchantWeek: null };
  }

  choose(id: string, dto: ChoiceDto, actor: Actor, ctx: CommandContext) {
    return this.act(id, actor, ctx, 'ChooseOption', async (state, now) => {
      const order = (await this.orderSnapshotOf(state.orderId)).snapshot;
      return {
      type: 'ChooseOption' as const,
      option: dto.option,
      ...(dto.agreedShipBy ? { agreedShipBy: toUtcIso(dto.agreedShipBy) } : {}),
      evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
      ...(dto.defense ? { defense: { reason: dto.defense.reason, statement: dto.defense.statement } } : {}),
      order,
      now,
      rules: this.rulesWithoutWeek(),
      ...(dto.option === 'NO_FAULT_DEFENSE' && this.delayExcuses.registered ? { delayExcuses: await this.delayExcuses.forOrder(order, now) } : {}),
    };
    });
  }

  respond(id: string, dto: ConsumerResponseDto, actor: Actor, ctx: CommandContext) {
    return this.act(id, actor, ctx, 'ConsumerRespond', async (state, now) => ({
      type: 'ConsumerRespond' as const,
      accepted: dto.accepted,
      ...(dto.comment !== undefined ? { comment: dto.comment } : {}),
      now,
      rules: this.rulesWithoutWeek(),
    }));
  }

  contest(id: string, dto: ContestDto, actor: Actor, ctx: CommandContext) {
    return this.act(id, actor, ctx, 'Contest', async (_state, now) => ({ type: 'Contest' as const, statement: dto.statement, now }));
  }

  async judge(id: string, dto: JudgementDto, actor: Actor, ctx: CommandContext) {
    const r = await this.act(id, actor, ctx, 'Judge', async (state, now) => ({
      type: 'Judge' as const,
      outcome: dto.outcome,
      ...(dto.violation ? { violation: dto.violation } : {}),
      rationale: dto.rationale,
      now,
      rules: await this.rulesFor(state, now),
      adjudicator: actor.sub,
    }));
    await this.correctSettledWeek(r);
    return r;
  }

  /**
   * An appeal overturned a late-shipment liability: if the order's week was already settled, record the
   * correction on the week's stream (the week-settlement run re-checks this, so a crash here loses nothing).
   */
  private async correctSettledWeek(r: Handled<DisputeState>): Promise<void> {
    const judged = r.appended.find((e) => e.type === 'DisputeJudged');
    if (!judged || (judged.data as { basis?: string }).basis !== 'APPEAL_OVERTURNED') return;
    const prior = r.state.judgements[r.state.judgements.length - 2];
    const week = prior?.judgement.penalty?.week ?? prior?.context?.merchantWeek?.week;
    if (!prior || prior.judgement.violation !== 'LATE_SHIPMENT' || !week) return;
    try {
      await this.weeks.correct(r.state.merchantId, week, r.state.orderId, r.state.disputeId, 'APPEAL_OVERTURNED', r.state.judgement!.decidedAt, judged.eventId);
    } catch {
      // The week-settlement run reconciles closed weeks with overturned liabilities.
    }
  }

  /** Fires one deadline if it is (still) due; a no-op otherwise. Returns whether anything was recorded. */
  async fireDeadline(disputeId: string, deadline: DeadlineKind, ctx: CommandContext): Promise<boolean> {
    const r = await this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      async ({ state }) => {
        const now = new Date().toISOString();
        const order = (await this.orderSnapshotOf(state.orderId)).snapshot;
        return {
          type: 'FireDeadline' as const,
          deadline,
          order,
          rules: await this.rules(state.merchantId, now, order),
          now,
        };
      },
      ctx,
      `FireDeadline:${deadline}`,
    );
    return r.appended.length > 0;
  }

  /**
   * The case's events with the state after each. `states: 'changed'` leaves `stateAfter` out where the view is
   * the same as after the event before (the console's case page: a long case is mostly notes; the page carries the
   * previous state forward), so a 1,000-event answer is not 1,000 full views.
   */
  async timeline(
    id: string,
    actor: Actor,
    states: 'all' | 'changed' = 'all',
  ): Promise<{ disputeId: string; stream: string; items: TimelineEntry[]; settledPenalty?: unknown }> {
    const { events } = await this.loadVisible(id, actor);
    let state = disputeDecider.initialState();
    const items: TimelineEntry[] = [];
    let previous: string | undefined;
    for (const e of events) {
      state = disputeDecider.evolve(state, toDomainEvent(e));
      const { revision: _r, stream: _s, ...view } = await this.present(state, e.revision, e.recordedAt);
      let stateAfter: DisputeView | undefined = view as DisputeView;
      if (states === 'changed') {
        const text = JSON.stringify(view);
        if (text === previous) stateAfter = undefined;
        previous = text;
      }
      items.push({
        revision: e.revision,
        position: e.position,
        eventId: e.eventId,
        type: e.type,
        recordedAt: e.recordedAt,
        actor: e.metadata?.actor ?? null,
        metadata: e.metadata,
        data: e.data,
        ...(stateAfter ? { stateAfter } : {}),
      });
    }
    // How the week settled the points since (the judgement's points as they stood then are in stateAfter).
    const settlement = state.status !== 'NONE' ? await this.settledPenalty(state) : null;
    return { disputeId: id, stream: disputeStream(id), items, ...(settlement ? { settledPenalty: settlement } : {}) };
  }

  async replay(id: string, rulesVersion: RulesVersion, actor: Actor) {
    const { events, state } = await this.loadVisible(id, actor);
    // The week's statistics at its close (settled), or at the time of asking for an open week — never the
    // instant inside the week the judgement was rendered at.
    const now = new Date().toISOString();
    const week = state.judgement ? await this.rulesFor(state, now) : null;
    const r = rejudge(events.map(toDomainEvent), rulesVersion, week ? { merchantWeek: week.merchantWeek ?? null, weekFinal: week.weekFinal === true } : undefined);
    return {
      disputeId: id,
      rulesVersion,
      recorded: r.recorded,
      settled: r.settled,
      replayed: r.replayed,
      differs: r.differs,
      differences: r.differences,
      weekStats: week ? { merchantWeek: week.merchantWeek ?? null, final: week.weekFinal === true } : null,
      judgements: r.judgements,
      replayedState: toDisputeView(r.state, events[events.length - 1].recordedAt),
    };
  }

  /** Reaction: a pickup scan arrived for an order whose dispute may be waiting for it. */
  async pickupObserved(disputeId: string, orderResult: Handled<OrderState>, ctx: CommandContext): Promise<void> {
    const fact = orderResult.state.facts[orderResult.state.facts.length - 1];
    if (!fact || fact.type !== 'PICKUP_SCANNED') return;
    const { recordedAt: _r, ...pickup } = fact;
    const loaded = await this.repo.load(disputeStream(disputeId), disputeDecider);
    if (loaded.state.status !== 'AWAITING_SHIPMENT') return;
    await this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      () => ({ type: 'ObservePickup' as const, pickup, now: new Date().toISOString() }),
      { ...ctx, idempotencyKey: undefined, causationId: orderResult.appended[0]?.eventId ?? ctx.causationId },
      'ObservePickup',
    );
  }
}
