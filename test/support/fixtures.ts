/**
 * Order and dispute fixtures over HTTP. Facts may not be dated in the future, so histories are built in
 * the past: a late order was placed and paid 3 days ago with nothing shipped; an in-time order was paid an
 * hour ago and has its waybill and pickup scan already.
 */
import { randomBytes } from 'node:crypto';
import { Api, expectStatus, type Res } from './http';
import type { TestServer } from './server';
import { as } from './tokens';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export const iso = (ms: number) => new Date(ms).toISOString();
export const ago = (ms: number) => iso(Date.now() - ms);
export const fromNow = (ms: number) => iso(Date.now() + ms);

/** A unique id (ids must match [A-Za-z0-9][A-Za-z0-9._:-]{0,127}). */
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;

export const EVIDENCE = [{ kind: 'CHAT_LOG', ref: 'oss://evidence/chat-agreement.png', description: 'consumer agreed in chat' }];
export const DOCUMENT_EVIDENCE = [{ kind: 'DOCUMENT', ref: 'oss://evidence/typhoon-notice.pdf', description: 'official typhoon warning' }];

export interface OrderRef {
  orderId: string;
  merchantId: string;
  consumerId: string;
}

export interface OrderInput {
  orderId: string;
  merchantId: string;
  consumerId: string;
  placedAt: string;
  paymentMethod: string;
  orderKind: string;
  promisedShipAt?: string;
  amount: number;
}

export interface FactInput {
  type: string;
  occurredAt: string;
  carrier?: string;
  waybillNo?: string;
  amount?: number;
}

export const waybill = (occurredAt: string): FactInput => ({ type: 'WAYBILL_UPLOADED', occurredAt, carrier: 'SF', waybillNo: `SF${randomBytes(5).toString('hex')}` });
export const pickup = (occurredAt: string): FactInput => ({ type: 'PICKUP_SCANNED', occurredAt, carrier: 'SF' });

export class Fixtures {
  readonly api: Api;
  constructor(readonly server: TestServer) {
    this.api = new Api(server);
  }

  orderBody(over: Partial<OrderInput> = {}): OrderInput {
    return {
      orderId: uid('o'),
      merchantId: uid('m'),
      consumerId: uid('c'),
      placedAt: ago(3 * DAY),
      paymentMethod: 'ONLINE',
      orderKind: 'STANDARD',
      amount: 12900,
      ...over,
    };
  }

  /** Registers an order (201 expected) and records the facts given (201 each). */
  async order(over: Partial<OrderInput> = {}, facts: FactInput[] = []): Promise<OrderRef & { registered: any }> {
    const body = this.orderBody(over);
    const res = await this.api.post('/orders', body, as.platform());
    expectStatus(res, 201);
    for (const f of facts) await this.fact(body, f);
    return { orderId: body.orderId, merchantId: body.merchantId, consumerId: body.consumerId, registered: res.body };
  }

  async fact(order: OrderRef, fact: FactInput): Promise<Res> {
    const res = await this.api.post(`/orders/${order.orderId}/facts`, fact, as.platform());
    expectStatus(res, 201);
    return res;
  }

  /** Placed and paid 3 days ago, nothing shipped: late (waybill and pickup overdue). */
  lateOrder(over: Partial<OrderInput> = {}, extra: FactInput[] = []) {
    const placedAt = over.placedAt ?? ago(3 * DAY);
    return this.order({ placedAt, ...over }, [{ type: 'PAID', occurredAt: placedAt }, ...extra]);
  }

  /** Paid an hour ago, waybill uploaded and picked up since: shipped within the deadlines. */
  inTimeOrder(over: Partial<OrderInput> = {}) {
    const placedAt = over.placedAt ?? ago(HOUR);
    return this.order({ placedAt, ...over }, [{ type: 'PAID', occurredAt: placedAt }, waybill(ago(30 * MIN)), pickup(ago(SEC))]);
  }

  async open(order: OrderRef, extra: Record<string, unknown> = {}): Promise<any> {
    const res = await this.api.post('/disputes', { orderId: order.orderId, ...extra }, as.platform());
    expectStatus(res, 201);
    return res.body;
  }

  /** A late order with an open dispute. */
  async lateDispute(over: Partial<OrderInput> = {}, extra: FactInput[] = []) {
    const order = await this.lateOrder(over, extra);
    const dispute = await this.open(order);
    return { order, dispute, id: dispute.disputeId as string };
  }

  choose(id: string, merchantId: string, body: Record<string, unknown>, opts: { idempotencyKey?: string } = {}) {
    return this.api.post(`/disputes/${id}/choice`, body, as.merchant(merchantId), opts);
  }

  respond(id: string, consumerId: string, body: Record<string, unknown>) {
    return this.api.post(`/disputes/${id}/consumer-response`, body, as.consumer(consumerId));
  }

  contest(id: string, consumerId: string, statement = 'I never agreed to this.') {
    return this.api.post(`/disputes/${id}/contest`, { statement }, as.consumer(consumerId));
  }

  judge(id: string, body: Record<string, unknown>) {
    return this.api.post(`/disputes/${id}/judgement`, body, as.adjudicator());
  }

  async dispute(id: string, query = ''): Promise<any> {
    const res = await this.api.get(`/disputes/${id}${query}`, as.platform());
    expectStatus(res, 200);
    return res.body;
  }

  async timeline(id: string): Promise<any[]> {
    const res = await this.api.get(`/disputes/${id}/timeline`, as.auditor());
    expectStatus(res, 200);
    return res.body.items;
  }

  async getOrder(orderId: string): Promise<any> {
    const res = await this.api.get(`/orders/${orderId}`, as.platform());
    expectStatus(res, 200);
    return res.body;
  }

  runDeadlines(): Promise<Res> {
    return this.api.post('/deadlines/run', undefined, as.platform());
  }
}
