import { Injectable } from '@nestjs/common';
import { disputeStream, disputeDecider, evaluateOptions, rejudge, toDisputeView, type DisputeState, type DisputeView, type RulesVersion } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { toDomainEvent } from '../../platform/commands/aggregate-repository';
import type { Actor } from '../../platform/auth/auth';
import { ProblemException } from '../../platform/http/problem';
import { INSTANT_RULE, parseInstant } from '../../platform/validation/validators';
import { DisputeInputs } from '../dispute-inputs';
import { disputeResponse, type DisputeResponse } from '../dispute-view';

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

/**
 * The reads of one case, each folding the case's own stream: the case now or as it stood (`?at=`), the
 * options the system accepts now, the timeline, and a replay under another rules version (reads only).
 */
@Injectable()
export class DisputeQueries {
  constructor(private readonly inputs: DisputeInputs) {}

  /**
   * The view with the standing judgement's points as its week settled them, as of `asOf` (now by default):
   * `judgement.penalty` is what the judgement recorded (provisional while its week was open);
   * `judgement.settledPenalty` appears once the week's assessment (and any correction) was recorded by then.
   */
  private async present(state: DisputeState, revision: number | null, asOf?: string): Promise<DisputeResponse> {
    const view = disputeResponse(state, revision, asOf);
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
      return j && prior && w ? this.inputs.settlementOf(state.merchantId, state.orderId, w, asOf) : null;
    }
    return this.inputs.settlementOf(state.merchantId, state.orderId, week, asOf);
  }

  async get(id: string, actor: Actor, at?: string): Promise<DisputeResponse> {
    if (at === undefined) {
      const { state, revision } = await this.inputs.visibleCase(id, actor);
      return this.present(state, revision);
    }
    // The revision or instant is checked before anything is read: a malformed `at` is a 400 even for an unknown id.
    const instant = parseInstant(at);
    if (!/^\d{1,15}$/.test(at) && instant === null) {
      throw new ProblemException(400, 'INVALID_AT', `\`at\` must be a revision number or ${INSTANT_RULE}.`, {
        errors: [{ field: 'at', messages: [`must be a revision number or ${INSTANT_RULE}`] }],
      });
    }
    const { events } = await this.inputs.visibleCase(id, actor);
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
    const { loaded, order } = await this.inputs.visibleCaseWithOrder(id, actor);
    return { disputeId: id, options: evaluateOptions(loaded.state, order, new Date().toISOString(), this.inputs.settings) };
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
    const { events } = await this.inputs.visibleCase(id, actor);
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
    const { events, state } = await this.inputs.visibleCase(id, actor);
    // The week's statistics at its close (settled), or at the time of asking for an open week — never the
    // instant inside the week the judgement was rendered at.
    const now = new Date().toISOString();
    const week = state.judgement ? await this.inputs.rules(state.merchantId, now, await this.inputs.order(state.orderId)) : null;
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
}
