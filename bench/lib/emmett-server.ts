/**
 * The peer on the command path: the same choice command (a merchant choosing a settlement option on an open
 * dispute) as this service's POST /disputes/{id}/choice, written the way Emmett documents it — its
 * CommandHandler (aggregate the stream, decide, append with the expected stream version, retry on a version
 * conflict) on its PostgreSQL event store — behind a bare Fastify route. It decides with this project's own
 * domain deciders (so the business rules are identical), verifies the same merchant JWT (jose, HS256) and
 * answers the dispute view, like the service. No projections run in this process (Emmett has none here).
 * Started by service.ts (startEmmettServer) on the same core as the service, with a pg pool of the same size.
 */
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';
import { runChild, serveUntilSignal } from './serve-child';
import { DomainError, disputeDecider, orderDecider, orderSnapshot, toDisputeView, type DisputeState, type OrderState } from '@app/domain';

type Ev = { type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> };

async function main() {
  // Emmett is published as ESM with a CommonJS build; require() picks the CommonJS one.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const emmettPg = require('@event-driven-io/emmett-postgresql') as typeof import('@event-driven-io/emmett-postgresql');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const emmett = require('@event-driven-io/emmett') as typeof import('@event-driven-io/emmett');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
  const pgStore = emmettPg.getPostgreSQLEventStore(process.env.DATABASE_URL!, { connectionOptions: { pool } });
  // Given the PostgreSQL store itself, CommandHandler runs each command in a session that holds one pooled
  // connection from the read to the append; the handler's read of the order stream then needs a second one, and
  // under load every connection is held by a handler waiting for another (the pool dead-locks). So the handler
  // gets the store without its session factory: each of Emmett's calls takes a pooled connection for itself
  // (aggregate, read the order, append — as in the service), which is also the cheaper way for Emmett.
  const eventStore = {
    aggregateStream: pgStore.aggregateStream.bind(pgStore),
    readStream: pgStore.readStream.bind(pgStore),
    appendToStream: pgStore.appendToStream.bind(pgStore),
  } as unknown as typeof pgStore;
  const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET!);

  const evolveDispute = (s: DisputeState, e: Ev) => disputeDecider.evolve(s, { type: e.type, data: e.data } as never);
  const evolveOrder = (s: OrderState, e: Ev) => orderDecider.evolve(s, { type: e.type, data: e.data } as never);
  const handle = emmett.CommandHandler<DisputeState, Ev>({
    evolve: evolveDispute,
    initialState: () => disputeDecider.initialState(),
    // Emmett's documented retry on a concurrent append: aggregate again and decide again.
    retry: { onVersionConflict: 3 },
  });

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post<{ Params: { id: string }; Body: Record<string, any> }>('/disputes/:id/choice', async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    let claims: { sub?: string; role?: string; merchantId?: string };
    try {
      claims = (await jwtVerify(auth.replace(/^Bearer /, ''), secret, { algorithms: ['HS256'] })).payload as typeof claims;
    } catch {
      return reply.code(401).send({ title: 'Unauthorized' });
    }
    if (claims.role !== 'merchant') return reply.code(403).send({ title: 'Forbidden' });
    const body = req.body ?? {};
    if (typeof body.option !== 'string') return reply.code(400).send({ title: 'option is required' });
    const id = req.params.id;
    const now = new Date().toISOString();
    try {
      const result = await handle(eventStore, `dispute-${id}`, async (state) => {
        if (!state.disputeId) throw Object.assign(new Error('not found'), { status: 404 });
        if (state.merchantId !== claims.merchantId) throw Object.assign(new Error('not found'), { status: 404 });
        const order = await eventStore.aggregateStream<OrderState, Ev>(`order-${state.orderId}`, { evolve: evolveOrder, initialState: () => orderDecider.initialState() });
        if (!order.state.order) throw Object.assign(new Error('order not found'), { status: 404 });
        const events = disputeDecider.decide(
          {
            type: 'ChooseOption',
            option: body.option,
            evidence: Array.isArray(body.evidence) ? body.evidence : [],
            ...(body.defense ? { defense: { reason: body.defense.reason, statement: body.defense.statement } } : {}),
            order: orderSnapshot(order.state),
            now,
            rules: { rulesVersion: 'v2', merchantWeek: null },
          } as never,
          state,
        );
        const metadata = { actor: { sub: claims.sub, role: claims.role }, command: 'ChooseOption', requestId: req.id, correlationId: req.id, causationId: req.id };
        return events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata }));
      });
      return reply.code(200).send(toDisputeView(result.newState, now));
    } catch (e) {
      // Domain refusals: 409 for a conflict with the case's state, 404 for an unknown case, else 422 (as the service answers them).
      const code = e instanceof DomainError ? e.code : null;
      const status =
        (e as { status?: number }).status ??
        (code === 'CHOICE_ALREADY_MADE' || code === 'INVALID_STATE' || emmett.isExpectedVersionConflictError(e) ? 409 : code?.endsWith('NOT_FOUND') ? 404 : code ? 422 : 500);
      return reply.code(status).send({ title: (e as Error).message });
    }
  });
  await serveUntilSignal(app, pool);
}

runChild(main);
