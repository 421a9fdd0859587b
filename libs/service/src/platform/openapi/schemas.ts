/**
 * Response schemas of the OpenAPI document (components.schemas), one per view the API answers with.
 * They describe the members clients rely on; views may carry more members (additionalProperties is left
 * open on responses so adding a member is not a breaking change). Request schemas come from the DTOs.
 */
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { DELAY_CARD_STATUSES, DELAY_REPORT_KINDS, DELAY_REPORT_STATUSES, DISPUTE_OPTIONS, DISPUTE_STATUSES, EVIDENCE_KINDS, ORDER_KINDS, PAYMENT_METHODS } from '@app/domain';

const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const time = (description?: string): SchemaObject => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
const int = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
const bool = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const enumOf = (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] });
const arr = (items: SchemaObject): SchemaObject => ({ type: 'array', items });
const obj = (properties: Record<string, SchemaObject>, required: string[] = Object.keys(properties), description?: string): SchemaObject => ({
  type: 'object',
  properties,
  required,
  ...(description ? { description } : {}),
});
const anyObject = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });
export const ref = (name: keyof typeof RESPONSE_SCHEMAS | 'Problem'): SchemaObject => ({ $ref: `#/components/schemas/${name}` }) as SchemaObject;
const page = (item: SchemaObject, description: string): SchemaObject =>
  obj({ items: arr(item), nextCursor: str('Present when there are more items: pass it back as `cursor` (or `from`)') }, ['items'], description);

const evidence = obj({ kind: enumOf(EVIDENCE_KINDS), ref: str(), description: str() }, ['kind', 'ref']);
const actor = obj({ sub: str(), role: str(), merchantId: str(), consumerId: str() }, ['sub', 'role']);
const deadline = obj({ deadline: str(), dueAt: time() });

const shipping = obj(
  {
    asOf: time(),
    assessed: bool('Whether the order is assessed for late shipment'),
    notAssessedReasons: arr(str()),
    clockStartsAt: nullable(time()),
    clockBasis: nullable(str()),
    waybillDueAt: nullable(time()),
    pickupDueAt: nullable(time()),
    waybillUploadedAt: nullable(time()),
    pickupScannedAt: nullable(time()),
    fullyRefundedAt: nullable(time()),
    waybillLate: bool(),
    pickupLate: bool(),
    late: bool(),
    lateReasons: arr(str()),
    shippedWithinDeadline: bool(),
    notes: arr(str()),
  },
  ['asOf', 'assessed', 'late'],
  'The shipping clock as of `asOf`',
);

const choice = obj(
  {
    option: enumOf(DISPUTE_OPTIONS),
    slot: str(),
    chosenAt: time(),
    agreedShipBy: time(),
    evidence: arr(evidence),
    satisfiedBy: arr(str()),
    findings: arr(anyObject()),
    disposition: str(),
    contestWindowEndsAt: time(),
  },
  ['option', 'chosenAt'],
);

const disputeView = obj(
  {
    disputeId: str(),
    orderId: str(),
    merchantId: str(),
    consumerId: str(),
    status: enumOf(DISPUTE_STATUSES),
    flow: enumOf(['UNIFIED', 'LEGACY']),
    openedAt: time(),
    responseDueAt: time(),
    choice,
    choices: arr(choice),
    final: bool(),
    deadlines: arr(deadline),
    agreedShipBy: time(),
    contestWindowEndsAt: time(),
    contestWindowClosed: bool(),
    settings: anyObject('The settings (windows in ms) the case was opened under'),
  },
  ['disputeId', 'orderId', 'merchantId', 'consumerId', 'status', 'flow', 'openedAt', 'final'],
);

const rawEvent = obj(
  {
    stream: str(),
    revision: int(),
    position: str('Global log position, commit/sequence'),
    eventId: str(),
    type: str(),
    data: anyObject(),
    metadata: anyObject(),
    recordedAt: time(),
    hash: str('SHA-256 of the event, hex'),
    prevHash: nullable(str()),
  },
  ['stream', 'revision', 'position', 'eventId', 'type', 'data', 'metadata', 'recordedAt', 'hash', 'prevHash'],
);

const scorecard = obj(
  {
    merchantId: str(),
    week: str(),
    rulesVersion: enumOf(['v1', 'v2']),
    timezone: str(),
    weekStart: time(),
    weekEnd: time(),
    asOf: time(),
    ordersDue48h: int(),
    pickedUpWithin48h: int(),
    lateOrders: int(),
    pendingOrders: int(),
    refundedBeforeDue: int(),
    pickupRate48h: nullable({ type: 'number' }),
    points: int(),
    pointsBasis: str(),
    violations: { type: 'object', additionalProperties: { type: 'integer' } },
    judged: int(),
    settled: int(),
  },
  ['merchantId', 'week', 'rulesVersion', 'weekStart', 'weekEnd', 'points'],
);

const delayReport = obj(
  {
    reportId: str(),
    kind: enumOf(DELAY_REPORT_KINDS),
    merchantId: str(),
    status: enumOf(DELAY_REPORT_STATUSES),
    reason: str(),
    note: str(),
    evidence: arr(evidence),
    windowStart: time(),
    windowEnd: time(),
    orderId: str(),
    promisedShipAt: time(),
    filedAt: time(),
    filedBy: str(),
    reviewDueAt: time(),
    overdue: bool(),
    revision: int(),
    stream: str(),
  },
  ['reportId', 'kind', 'merchantId', 'status', 'filedAt'],
);

const delayCard = obj(
  {
    cardId: str(),
    orderId: str(),
    merchantId: str(),
    consumerId: str(),
    status: enumOf(DELAY_CARD_STATUSES),
    sentAt: time(),
    sentBy: str(),
    expiresAt: time(),
    message: str(),
    promisedShipAt: time(),
    answerable: bool(),
    revision: int(),
    stream: str(),
  },
  ['cardId', 'orderId', 'merchantId', 'consumerId', 'status', 'sentAt', 'expiresAt'],
);

const probe = obj({ kind: str(), status: enumOf(['up', 'down']), latencyMs: { type: 'number' }, error: str() }, ['status']);

export const RESPONSE_SCHEMAS = {
  OrderView: obj(
    {
      orderId: str(),
      merchantId: str(),
      consumerId: str(),
      placedAt: time(),
      paymentMethod: enumOf(PAYMENT_METHODS),
      orderKind: enumOf(ORDER_KINDS),
      promisedShipAt: time(),
      amount: int('Fen'),
      registeredAt: nullable(time()),
      facts: arr(obj({ seq: int(), type: str(), occurredAt: time(), recordedAt: time(), carrier: str(), waybillNo: str(), amount: int() }, ['seq', 'type', 'occurredAt'])),
      activeDisputeId: nullable(str()),
      disputeIds: arr(str()),
      shipping,
    },
    ['orderId', 'merchantId', 'consumerId', 'placedAt', 'paymentMethod', 'orderKind', 'amount', 'facts', 'disputeIds', 'shipping'],
  ),
  DisputeView: { allOf: [disputeView, obj({ revision: int(), stream: str(), asOf: time('With ?at=: the instant the state is shown at') }, ['revision', 'stream'])] },
  DisputeOptions: obj({
    disputeId: str(),
    options: arr(obj({ option: enumOf(DISPUTE_OPTIONS), available: bool(), missing: arr(str()), requires: arr(str()) }, ['option', 'available', 'missing', 'requires'])),
  }),
  DisputeTimeline: obj({
    disputeId: str(),
    stream: str(),
    items: arr(
      obj(
        {
          revision: int(),
          position: str(),
          eventId: str(),
          type: str(),
          recordedAt: time(),
          actor,
          metadata: anyObject(),
          data: anyObject(),
          stateAfter: { ...disputeView, description: 'The case view after this event: on every event by default; with ?states=changed only where it changed' },
        },
        ['revision', 'position', 'eventId', 'type', 'recordedAt', 'data'],
      ),
    ),
  }),
  DisputeReplay: obj(
    {
      disputeId: str(),
      rulesVersion: enumOf(['v1', 'v2']),
      recorded: nullable(anyObject()),
      replayed: nullable(anyObject()),
      differs: bool(),
      differences: arr(anyObject()),
      replayedState: disputeView,
    },
    ['disputeId', 'rulesVersion', 'differs', 'differences'],
  ),
  CaseList: page(
    obj(
      {
        disputeId: str(),
        stream: str(),
        orderId: str(),
        merchantId: str(),
        consumerId: str(),
        status: enumOf(DISPUTE_STATUSES),
        flow: str(),
        final: bool(),
        openedAt: time(),
        responseDueAt: time(),
        deadlines: arr(deadline),
        nextDeadline: deadline,
        choice: str(),
        revision: int(),
        updatedAt: time(),
      },
      ['disputeId', 'orderId', 'merchantId', 'consumerId', 'status', 'final', 'openedAt'],
    ),
    'Case list page',
  ),
  JudgementList: page(
    obj(
      {
        disputeId: str(),
        orderId: str(),
        merchantId: str(),
        consumerId: str(),
        kind: enumOf(['JUDGEMENT', 'SETTLEMENT']),
        outcome: enumOf(['MERCHANT_LIABLE', 'MERCHANT_NOT_LIABLE', 'SETTLED']),
        violation: str(),
        chosenOption: str(),
        decidedAt: time(),
        points: int(),
        final: bool(),
      },
      ['disputeId', 'orderId', 'merchantId', 'kind', 'outcome', 'decidedAt', 'points'],
    ),
    'Judgement outcomes page',
  ),
  AdjudicationQueue: page(
    obj(
      {
        disputeId: str(),
        orderId: str(),
        merchantId: str(),
        consumerId: str(),
        flow: str(),
        openedAt: time(),
        reviewReason: str(),
        underReviewSince: time(),
        waitingMs: int(),
        waitingSeconds: int(),
        choice: str(),
        defenseOnFile: bool(),
        allowedViolations: arr(str()),
        findings: arr(anyObject()),
        revision: int(),
      },
      ['disputeId', 'orderId', 'underReviewSince', 'waitingSeconds'],
    ),
    'Cases under review, oldest first',
  ),
  Scorecard: scorecard,
  ScorecardComparison: obj({ merchantId: str(), week: str(), v1: scorecard, v2: scorecard, differs: bool(), pointsDifference: int() }),
  EventPage: page(rawEvent, 'Raw events'),
  StreamVerification: obj({ stream: str(), valid: bool(), checked: int(), brokenAt: int(), reason: str(), detail: str() }, ['stream', 'valid', 'checked']),
  Checkpoint: obj({ origin: str(), size: int(), root: str(), issuedAt: time(), keyId: str(), signature: str('Ed25519, base64') }),
  PublicKey: obj({ keyId: str(), pem: str(), raw: str('Raw 32-byte key, base64') }),
  InclusionProof: obj(
    { eventId: str(), stream: str(), revision: int(), eventHash: str(), leafIndex: int(), treeSize: int(), leafHash: str(), path: arr(str()) },
    ['eventId', 'leafIndex', 'treeSize', 'leafHash', 'path'],
  ),
  ConsistencyProof: obj({ fromSize: int(), toSize: int(), path: arr(str()) }),
  DeadlinesRun: obj({ fired: int('Deadlines fired by this call') }),
  DelayReport: delayReport,
  DelayReportList: page(delayReport, 'Delay reports page'),
  DelayCard: delayCard,
  DelayCardList: page(delayCard, 'Delay cards page'),
  MerchantWeek: anyObject("A merchant-week's settlement: final, closedAt, the assessment (late orders counted, pickup rate, points) and its corrections"),
  SimulationStarted: obj({ simulationId: str(), status: enumOf(['RUNNING']) }),
  Simulation: obj(
    {
      simulationId: str(),
      status: enumOf(['RUNNING', 'DONE', 'FAILED']),
      progress: obj({ phase: str(), percent: { type: 'number' }, weeks: int(), merchantWeeks: int(), judgementsTotal: int(), judgementsDone: int() }, ['percent']),
      rulesVersion: str('The simulated rules version'),
      recordedRulesVersion: str('The version in force when the simulation ran'),
      from: time(),
      to: time(),
      merchantId: str(),
      asOf: time(),
      requestedBy: str(),
      createdAt: time(),
      finishedAt: time(),
      error: str('FAILED: why'),
      totals: anyObject('DONE: totals over the period'),
      weeks: arr(
        obj(
          {
            merchantId: str(),
            week: str(),
            pointsRecorded: int(),
            pointsSimulated: int(),
            final: bool(),
            asOf: time(),
            lateOrders: int(),
            ordersDue48h: int(),
            pickedUpWithin48h: int(),
            pickupRate48h: nullable({ type: 'number' }),
          },
          ['merchantId', 'week', 'pointsRecorded', 'pointsSimulated'],
        ),
      ),
    },
    ['simulationId', 'status', 'progress', 'rulesVersion', 'from', 'to'],
  ),
  SimulationChanges: page(
    obj({ disputeId: str(), merchantId: str(), week: str(), recorded: anyObject(), simulated: anyObject(), reasons: arr(anyObject()) }, ['disputeId', 'merchantId', 'week']),
    'Cases whose outcome or points differ',
  ),
  Health: obj({ status: str(), eventStore: probe, readModels: probe, projections: anyObject('Per projection: position, leader, lag') }, ['status']),
} satisfies Record<string, SchemaObject>;

/** RFC 9457 problem details, as every error of the API is answered (application/problem+json). */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Stable URI per problem kind' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: `Field errors (validation): at most the first 20`,
      items: { type: 'object', required: ['field', 'messages'], properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } },
    },
    errorCount: { type: 'integer', description: 'How many field errors there were in all (errors lists at most 20)' },
  },
  additionalProperties: true,
};
