/**
 * Property-based tests of the dispute decider (fast-check): random orders and random command sequences —
 * every command type, valid and invalid, in random order at increasing times — run through decide/evolve
 * the way the service does (a refused command changes nothing). Properties:
 *  - the unified flow never records two choices;
 *  - finality never reverts (once final at some instant, final at every later instant, whatever comes);
 *  - folding the decided events — after a JSON round trip, as the store keeps them — reproduces the state;
 *  - a replay of the same commands is deterministic (same events, same state), and decide never mutates
 *    the state it is given.
 */
import fc from 'fast-check';
import { decide, evolve, initialState, isFinal, type DisputeCommand, type DisputeEvent, type DisputeState } from './dispute';
import { DomainError } from './errors';
import { DEFAULT_SETTINGS } from './shared/settings';
import { HOUR_MS, iso } from './shared/time';
import { DEADLINE_KINDS, DEFENSE_REASONS, DISPUTE_OPTIONS, EVIDENCE_KINDS, OUTCOMES, VIOLATIONS, type Flow, type OrderFactRef, type OrderSnapshot } from './shared/types';

const T0 = Date.parse('2024-03-04T02:00:00.000Z');
const at = (hours: number) => iso(T0 + Math.round(hours * HOUR_MS));
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 300);

const factArb = fc.record({
  type: fc.constantFrom('WAYBILL_UPLOADED', 'PICKUP_SCANNED', 'CANCELLATION_REQUESTED', 'REFUNDED', 'PAID'),
  hours: fc.integer({ min: 0, max: 200 }),
});

const orderArb = fc.record({
  paymentMethod: fc.constantFrom('ONLINE', 'COD', 'POST_OFFICE_REMITTANCE'),
  orderKind: fc.constantFrom('STANDARD', 'STANDARD', 'PRESALE'),
  facts: fc.array(factArb, { maxLength: 6 }),
});

/** A command template: the times are relative to the step's `now`, the order snapshot is filled in at run time. */
const stepArb = fc.record({
  // mostly small steps (inside the windows), sometimes past a window
  advanceHours: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 80 }), weight: 1 }),
  command: fc.oneof(
    fc.record({
      type: fc.constant('ChooseOption' as const),
      option: fc.constantFrom(...DISPUTE_OPTIONS),
      agreedInHours: fc.option(fc.integer({ min: -10, max: 24 * 9 }), { nil: undefined }),
      evidence: fc.array(fc.constantFrom(...EVIDENCE_KINDS), { maxLength: 2 }),
      defense: fc.option(fc.record({ reason: fc.constantFrom(...DEFENSE_REASONS), statement: fc.constantFrom('', 'typhoon closed the depot') }), { nil: undefined }),
      excuses: fc.option(fc.constantFrom('APPROVED', 'REJECTED'), { nil: undefined }),
      rules: fc.constantFrom('v1', 'v2'),
    }),
    fc.record({
      type: fc.constant('ChooseOption' as const),
      option: fc.constantFrom(...DISPUTE_OPTIONS),
      agreedInHours: fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }),
      evidence: fc.constant(['CHAT_LOG', 'DOCUMENT']),
      coherent: fc.constant(true),
      defense: fc.option(fc.record({ reason: fc.constantFrom(...DEFENSE_REASONS), statement: fc.constant('typhoon closed the depot') }), { nil: undefined }),
      excuses: fc.option(fc.constantFrom('APPROVED', 'REJECTED'), { nil: undefined }),
      rules: fc.constantFrom('v1', 'v2'),
    }),
    fc.record({ type: fc.constant('ConsumerRespond' as const), accepted: fc.boolean(), rules: fc.constantFrom('v1', 'v2') }),
    fc.record({ type: fc.constant('Contest' as const), statement: fc.constantFrom('', 'the parcel never moved') }),
    fc.record({
      type: fc.constant('Judge' as const),
      outcome: fc.constantFrom(...OUTCOMES),
      violation: fc.option(fc.constantFrom(...VIOLATIONS), { nil: undefined }),
      rules: fc.constantFrom('v1', 'v2'),
    }),
    fc.record({ type: fc.constant('ObservePickup' as const), hoursAgo: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ type: fc.constant('FireDeadline' as const), deadline: fc.constantFrom(...DEADLINE_KINDS), rules: fc.constantFrom('v1', 'v2') }),
  ),
});

type Step = { advanceHours: number; command: Record<string, any> & { type: DisputeCommand['type'] } };
type OrderSpec = { paymentMethod: string; orderKind: string; facts: { type: string; hours: number }[] };

function snapshotAt(spec: OrderSpec, nowHours: number, extraPickups: OrderFactRef[]): OrderSnapshot {
  // Facts known at `now` (the service passes the order as recorded up to the command).
  const facts = spec.facts
    .filter((f) => f.hours <= nowHours)
    .map((f) => ({ type: f.type, occurredAt: at(f.hours), ...(f.type === 'WAYBILL_UPLOADED' || f.type === 'PICKUP_SCANNED' ? { carrier: 'SF', waybillNo: 'SF1' } : {}) }));
  const all = [{ type: 'PAID', occurredAt: at(0) }, ...facts, ...extraPickups].map((f, seq) => ({ ...f, seq })) as OrderFactRef[];
  return {
    orderId: 'o-1',
    merchantId: 'm-1',
    consumerId: 'c-1',
    placedAt: at(0),
    paymentMethod: spec.paymentMethod as OrderSnapshot['paymentMethod'],
    orderKind: spec.orderKind as OrderSnapshot['orderKind'],
    amount: 19900,
    facts: all,
  };
}

function buildCommand(step: Step, spec: OrderSpec, nowHours: number, pickups: OrderFactRef[]): DisputeCommand {
  const c = step.command;
  const now = at(nowHours);
  const rules = { rulesVersion: c.rules, merchantWeek: null } as const;
  const order = snapshotAt(spec, nowHours, pickups);
  switch (c.type) {
    case 'ChooseOption':
      {
        // a coherent choice carries only the fields its option takes
        const agreedInHours = c.coherent && c.option !== 'SHIP_BY_AGREED_DATE' ? undefined : c.agreedInHours;
        const defense = c.coherent && c.option !== 'NO_FAULT_DEFENSE' ? undefined : c.defense;
        return {
          type: 'ChooseOption',
          option: c.option,
          ...(agreedInHours !== undefined ? { agreedShipBy: at(nowHours + agreedInHours) } : {}),
          evidence: c.evidence.map((kind: string, i: number) => ({ kind, ref: `oss://e/${i}` })),
          ...(defense ? { defense } : {}),
          ...(c.excuses ? { delayExcuses: [{ kind: 'PRE_REPORT', ref: 'r-1', status: c.excuses, coversOrder: true }] } : {}),
          order,
          now,
          rules,
        } as DisputeCommand;
      }
    case 'ConsumerRespond':
      return { type: 'ConsumerRespond', accepted: c.accepted, now, rules };
    case 'Contest':
      return { type: 'Contest', statement: c.statement, now };
    case 'Judge':
      return { type: 'Judge', outcome: c.outcome, ...(c.violation ? { violation: c.violation } : {}), rationale: 'adjudicated', now, rules } as DisputeCommand;
    case 'ObservePickup':
      return { type: 'ObservePickup', pickup: { seq: 100 + pickups.length, type: 'PICKUP_SCANNED', occurredAt: at(nowHours - c.hoursAgo), carrier: 'SF', waybillNo: 'SF1' }, now };
    case 'FireDeadline':
      return { type: 'FireDeadline', deadline: c.deadline, order, rules, now };
    default:
      throw new Error(`unknown step ${String(c.type)}`);
  }
}

interface Run {
  events: DisputeEvent[];
  /** State and `now` after each step (index 0: after opening). */
  trace: { state: DisputeState; now: string }[];
  state: DisputeState;
  refused: string[];
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

/** Runs the commands the way the service does: decide on the current state, append, evolve; a refusal changes nothing. */
function run(flow: Flow, spec: OrderSpec, openAtHours: number, steps: Step[]): Run {
  let nowHours = openAtHours;
  let state = initialState();
  const open: DisputeCommand = { type: 'OpenDispute', disputeId: 'd-1', order: snapshotAt(spec, nowHours, []), openedAt: at(nowHours), flow, settings: DEFAULT_SETTINGS, now: at(nowHours) };
  const events: DisputeEvent[] = [...decide(open, state)];
  state = events.reduce(evolve, state);
  const trace = [{ state, now: at(nowHours) }];
  const refused: string[] = [];
  const pickups: OrderFactRef[] = [];
  for (const step of steps) {
    nowHours += step.advanceHours;
    const command = buildCommand(step, spec, nowHours, pickups);
    if (command.type === 'ObservePickup') pickups.push(command.pickup);
    deepFreeze(state); // decide must not mutate the state it decides on (a mutation throws in strict mode)
    let decided: DisputeEvent[];
    try {
      decided = decide(command, state);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e; // anything but a domain refusal is a bug
      refused.push(e.code);
      trace.push({ state, now: at(nowHours) });
      continue;
    }
    events.push(...decided);
    state = decided.reduce(evolve, state);
    trace.push({ state, now: at(nowHours) });
  }
  return { events, trace, state, refused };
}

const scenario = fc.record({
  spec: orderArb,
  openAtHours: fc.integer({ min: 0, max: 72 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 20 }),
});

describe('dispute decider: properties over random command sequences', () => {
  it('the unified flow never records two choices', () => {
    fc.assert(
      fc.property(scenario, ({ spec, openAtHours, steps }) => {
        const r = run('UNIFIED', spec, openAtHours, steps);
        expect(r.events.filter((e) => e.type === 'OptionChosen').length).toBeLessThanOrEqual(1);
        expect(r.state.choices.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the legacy flow records at most one settlement and one defense', () => {
    fc.assert(
      fc.property(scenario, ({ spec, openAtHours, steps }) => {
        const r = run('LEGACY', spec, openAtHours, steps);
        const slots = r.events.filter((e) => e.type === 'OptionChosen').map((e) => (e as { data: { slot: string } }).data.slot);
        expect(slots.filter((s) => s === 'SETTLEMENT').length).toBeLessThanOrEqual(1);
        expect(slots.filter((s) => s === 'DEFENSE').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('finality never reverts: once final, final at every later step, with the same outcome', () => {
    fc.assert(
      fc.property(fc.constantFrom<Flow>('UNIFIED', 'LEGACY'), scenario, (flow, { spec, openAtHours, steps }) => {
        const r = run(flow, spec, openAtHours, steps);
        let finalAt = -1;
        r.trace.forEach(({ state, now }, i) => {
          const final = isFinal(state, now);
          if (finalAt >= 0) {
            expect({ step: i, final }).toEqual({ step: i, final: true });
            const first = r.trace[finalAt].state;
            expect({ status: state.status, judgement: state.judgement, settlement: state.settlement }).toEqual({ status: first.status, judgement: first.judgement, settlement: first.settlement });
          } else if (final) finalAt = i;
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('folding the decided events (as stored: JSON) reproduces the state', () => {
    fc.assert(
      fc.property(fc.constantFrom<Flow>('UNIFIED', 'LEGACY'), scenario, (flow, { spec, openAtHours, steps }) => {
        const r = run(flow, spec, openAtHours, steps);
        const stored = JSON.parse(JSON.stringify(r.events)) as DisputeEvent[];
        expect(stored.reduce(evolve, initialState())).toEqual(r.state);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a replay is deterministic: the same commands give the same events, refusals and state', () => {
    fc.assert(
      fc.property(fc.constantFrom<Flow>('UNIFIED', 'LEGACY'), scenario, (flow, { spec, openAtHours, steps }) => {
        const a = run(flow, spec, openAtHours, steps);
        const b = run(flow, spec, openAtHours, steps);
        expect(b.events).toEqual(a.events);
        expect(b.refused).toEqual(a.refused);
        expect(b.state).toEqual(a.state);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generated sequences reach the interesting states (the properties are not vacuous)', () => {
    const statuses = new Set<string>();
    let choices = 0;
    let finals = 0;
    fc.assert(
      fc.property(fc.constantFrom<Flow>('UNIFIED', 'LEGACY'), scenario, (flow, { spec, openAtHours, steps }) => {
        const r = run(flow, spec, openAtHours, steps);
        r.trace.forEach(({ state }) => statuses.add(state.status));
        choices += r.events.filter((e) => e.type === 'OptionChosen').length;
        if (r.trace.some(({ state, now }) => isFinal(state, now))) finals++;
      }),
      { numRuns: NUM_RUNS, seed: 42 },
    );
    expect([...statuses].sort()).toEqual(['AWAITING_CONSUMER', 'AWAITING_MERCHANT', 'AWAITING_SHIPMENT', 'JUDGED', 'SETTLED', 'UNDER_REVIEW']);
    expect(choices).toBeGreaterThan(NUM_RUNS / 4);
    expect(finals).toBeGreaterThan(NUM_RUNS / 10);
  });
});
