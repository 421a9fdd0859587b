/** Types and helpers shared by the EventStore contract suite (see event-store.contract.ts). */
import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  ConcurrencyError,
  START,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type RecordedEvent,
} from '../event-store.port';

export interface EventStoreHarness {
  /** The store under test (replaced by restart()). */
  store: EventStore;
  /** Closes the store and everything under it, then reopens it on the same storage (data dir / database). */
  restart(): Promise<void>;
  /** Closes for good and removes temporary storage. */
  close(): Promise<void>;
  /**
   * Appends `events` through the adapter's normal SQL path inside a transaction that is held open for
   * `holdMs` before it commits. `inserted` resolves once the events are written (transaction still open),
   * `committed` once it committed.
   */
  holdOpenAppend?(stream: string, events: EventToAppend[], holdMs: number): { inserted: Promise<void>; committed: Promise<void> };
  /**
   * True when other appends can commit while a held transaction is open (PostgreSQL: many connections);
   * false when they queue behind it (PGlite: one connection, transactions serialised).
   */
  concurrentTransactions: boolean;
}

export interface ContractOptions {
  /** Scale of the concurrency tests (default 1). */
  scale?: number;
  /** ms the long transaction is held open in the subscription test (default 2000). */
  holdMs?: number;
}

/** What every part of the suite gets from describeEventStoreContract: the harness (set in beforeAll) and the options. */
export interface ContractContext {
  /** The harness of the running suite (set in beforeAll). */
  readonly h: EventStoreHarness;
  store(): EventStore;
  scale: number;
  holdMs: number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function uniq(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function ev(type: string, data: Record<string, unknown> = {}, eventId?: string, metadata?: Record<string, unknown>): EventToAppend {
  return { type, data, ...(eventId ? { eventId } : {}), ...(metadata ? { metadata } : {}) };
}

/**
 * Waits until readers can see `position` (headPosition ≥ it), which implies every event at or before it is
 * readable. On PostgreSQL the global log is bounded by the cluster-wide xmin, so a transaction of someone
 * else (even in another database of a shared server) can delay visibility for a moment; tests that assert
 * completeness right after writing wait for it, like a read-your-writes caller would.
 */
export async function waitForVisible(store: EventStore, position: Position, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => comparePositions(await store.headPosition(), position) >= 0, timeoutMs, `position ${position} to become readable`);
}

export function maxPosition(positions: Position[]): Position {
  return positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b), START);
}

/** Appends a marker and waits until it is readable: everything committed before it is readable too. */
export async function settle(store: EventStore): Promise<Position> {
  const r = await store.appendToStream(uniq('settle'), [ev('Settle')]);
  await waitForVisible(store, r.position);
  return r.position;
}

/** Every event after `after`, paging through readAll. */
export async function readAllAfter(store: EventStore, after: Position = START, pageSize = 200): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let pos = after;
  for (;;) {
    const page = await store.readAll({ after: pos, maxCount: pageSize });
    out.push(...page.events);
    pos = page.lastPosition;
    if (page.isEnd) return out;
  }
}

export async function expectConcurrencyError(p: Promise<unknown>, expected: ExpectedRevision, actual: number | null) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConcurrencyError);
  expect((err as ConcurrencyError).expected).toBe(expected);
  expect((err as ConcurrencyError).actual).toBe(actual);
}
