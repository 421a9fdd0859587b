/**
 * The command path's folded-stream cache (AggregateRepository over a real SqlEventStore on PostgreSQL).
 * Two repositories, each with its own store and connection pool on one database, stand for two instances:
 * the cache is only a guess, the exact expected revision is the safety net.
 */
import { PgDatabase, SqlEventStore, type EventStore } from '@app/event-store';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@app/event-store/contract/sql-harness';
import { Metrics } from '../metrics/metrics';
import { AggregateRepository, type Decider } from './aggregate-repository';
import type { CommandContext } from './command-context';

jest.setTimeout(60_000);

// A small decider with the shapes the domain's have: a refusal that depends on the state (one choice only),
// a command that needs an earlier event (an answer needs a question), a no-op (closing a closed case).
interface S {
  choice: string | null;
  asked: boolean;
  answers: string[];
  notes: number;
  closed: boolean;
}
type C =
  | { type: 'Choose'; option: string; at?: string }
  | { type: 'Ask' }
  | { type: 'Answer'; text: string }
  | { type: 'Note'; n?: number }
  | { type: 'Close' };
type E = { type: string; data: Record<string, any> };

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const decider: Decider<S, C, E> = {
  initialState: () => ({ choice: null, asked: false, answers: [], notes: 0, closed: false }),
  evolve(s, e) {
    switch (e.type) {
      case 'Chosen':
        return { ...s, choice: e.data.option };
      case 'Asked':
        return { ...s, asked: true };
      case 'Answered':
        return { ...s, answers: [...s.answers, e.data.text] };
      case 'Noted':
        return { ...s, notes: s.notes + (e.data.n ?? 1) };
      case 'Closed':
        return { ...s, closed: true };
      default:
        return s;
    }
  },
  decide(c, s) {
    switch (c.type) {
      case 'Choose':
        if (s.choice !== null) throw new Refused('CHOICE_STANDS');
        return [{ type: 'Chosen', data: { option: c.option, ...(c.at ? { at: c.at } : {}) } }];
      case 'Ask':
        return [{ type: 'Asked', data: {} }];
      case 'Answer':
        if (!s.asked) throw new Refused('NOT_ASKED');
        return [{ type: 'Answered', data: { text: c.text } }];
      case 'Note':
        return [{ type: 'Noted', data: { n: c.n ?? 1 } }];
      case 'Close':
        return s.closed ? [] : [{ type: 'Closed', data: {} }];
    }
  },
};

const ctx = (sub = 'm-1', idempotencyKey?: string): CommandContext => ({
  actor: { sub, role: 'merchant', merchantId: sub },
  requestId: `req-${Math.random().toString(36).slice(2)}`,
  correlationId: 'corr',
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

let n = 0;
const newStream = () => `case-${Date.now().toString(36)}-${++n}`;

describe('AggregateRepository: the folded-stream cache (PostgreSQL, two instances on one database)', () => {
  let db: ThrowawayDatabase;
  const opened: { db: PgDatabase; store: SqlEventStore }[] = [];

  /** One "instance": its own pool, store (with its own head cache) and repository. */
  async function instance(cacheSize = 10_000): Promise<{ repo: AggregateRepository; store: EventStore; reads: jest.SpyInstance; appends: jest.SpyInstance }> {
    const sql = new PgDatabase({ url: db.url, max: 4 });
    const store = new SqlEventStore(sql, { kind: 'postgres', notifyOtherProcesses: false });
    await store.init();
    opened.push({ db: sql, store });
    const reads = jest.spyOn(store, 'readStream');
    const appends = jest.spyOn(store, 'appendToStream');
    return { repo: new AggregateRepository(store, new Metrics(), { STREAM_CACHE_SIZE: cacheSize }), store, reads, appends };
  }

  beforeAll(async () => {
    db = await createThrowawayDatabase('agg_cache');
  });
  afterAll(async () => {
    for (const o of opened) {
      await o.store.close().catch(() => undefined);
      await o.db.close().catch(() => undefined);
    }
    await db?.drop();
  });

  it('miss: the first command reads the stream once; hit: the next ones read nothing and append at the cached revision', async () => {
    const a = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    expect(a.reads).toHaveBeenCalledTimes(1);
    a.reads.mockClear();
    const r2 = await a.repo.handle(s, decider, (): C => ({ type: 'Note', n: 2 }), ctx(), 'Note');
    const r3 = await a.repo.handle(s, decider, (): C => ({ type: 'Ask' }), ctx(), 'Ask');
    expect(a.reads).not.toHaveBeenCalled();
    expect(a.appends.mock.calls.slice(-2).map((c) => c[2]?.expectedRevision)).toEqual([0, 1]);
    expect(r2.revision).toBe(1);
    expect(r3).toMatchObject({ revision: 2, state: { notes: 3, asked: true } });
    // What the cache holds is what a fold of the stream gives.
    const b = await instance();
    const loaded = await b.repo.load(s, decider);
    expect(loaded.state).toEqual(r3.state);
    expect(loaded.revision).toBe(r3.revision);
    expect(loaded.last).toEqual(r3.last);
    expect(loaded.events.map((e) => e.type)).toEqual(['Noted', 'Noted', 'Asked']);
  });

  it('a conflict with another writer: evicts, reads again and decides again — the second choice is refused, the stream holds one', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note'); // a caches revision 0
    await b.repo.handle(s, decider, (): C => ({ type: 'Choose', option: 'REFUND' }), ctx(), 'Choose'); // b writes revision 1
    a.reads.mockClear();
    await expect(a.repo.handle(s, decider, (): C => ({ type: 'Choose', option: 'SHIP' }), ctx(), 'Choose')).rejects.toMatchObject({ code: 'CHOICE_STANDS' });
    expect(a.reads).toHaveBeenCalledTimes(1); // the one read after the conflict
    const events = await a.store.readStream(s);
    expect(events.map((e) => [e.type, e.data.option])).toEqual([['Noted', undefined], ['Chosen', 'REFUND']]);
    // a's cache now holds the stream as it is: its next command appends at revision 1 without a read.
    a.reads.mockClear();
    const r = await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    expect(a.reads).not.toHaveBeenCalled();
    expect(r).toMatchObject({ revision: 2, state: { choice: 'REFUND', notes: 2 } });
  });

  it('a conflict where the fresh state accepts: the command is decided again and lands on top of the other write', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Ask' }), ctx(), 'Ask');
    await b.repo.handle(s, decider, (): C => ({ type: 'Answer', text: 'from b' }), ctx(), 'Answer');
    const r = await a.repo.handle(s, decider, (): C => ({ type: 'Answer', text: 'from a' }), ctx(), 'Answer');
    expect(r).toMatchObject({ revision: 2, state: { answers: ['from b', 'from a'] } });
    expect((await a.store.readStream(s)).map((e) => e.data.text ?? e.type)).toEqual(['Asked', 'from b', 'from a']);
  });

  it('a refusal decided on a cached state is confirmed against the stream first: another writer made the command valid', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note'); // a: not asked
    await b.repo.handle(s, decider, (): C => ({ type: 'Ask' }), ctx(), 'Ask'); // the stream: asked
    a.reads.mockClear();
    const r = await a.repo.handle(s, decider, (): C => ({ type: 'Answer', text: 'yes' }), ctx(), 'Answer');
    expect(r).toMatchObject({ revision: 2, state: { asked: true, answers: ['yes'] } });
    // One read, of the events after the cached revision only.
    expect(a.reads).toHaveBeenCalledTimes(1);
    expect(a.reads.mock.calls[0][1]).toEqual({ fromRevision: 1 });
  });

  it('a refusal the stream confirms stands (one delta read, nothing appended)', async () => {
    const a = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    a.reads.mockClear();
    a.appends.mockClear();
    await expect(a.repo.handle(s, decider, (): C => ({ type: 'Answer', text: 'x' }), ctx(), 'Answer')).rejects.toMatchObject({ code: 'NOT_ASKED' });
    expect(a.reads).toHaveBeenCalledTimes(1);
    expect(a.appends).not.toHaveBeenCalled();
  });

  it('a no-op decided on a cached state is confirmed too', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Close' }), ctx(), 'Close'); // a: closed at revision 0
    const r = await a.repo.handle(s, decider, (): C => ({ type: 'Close' }), ctx(), 'Close');
    expect(r).toMatchObject({ appended: [], revision: 0 });
    await b.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    const again = await a.repo.handle(s, decider, (): C => ({ type: 'Close' }), ctx(), 'Close');
    expect(again).toMatchObject({ appended: [], revision: 1, state: { closed: true, notes: 1 } });
  });

  it('an append of unknown outcome evicts the stream: the next command reads it and sees the write that landed', async () => {
    const a = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    // The append reaches the database, but its answer is lost (as when the connection drops after the commit).
    const real = a.store.appendToStream.bind(a.store);
    a.appends.mockImplementationOnce(async (...args: Parameters<EventStore['appendToStream']>) => {
      await real(...args);
      throw new Error('Connection terminated unexpectedly');
    });
    await expect(a.repo.handle(s, decider, (): C => ({ type: 'Choose', option: 'REFUND' }), ctx(), 'Choose')).rejects.toThrow('Connection terminated');
    a.reads.mockClear();
    a.appends.mockClear();
    await expect(a.repo.handle(s, decider, (): C => ({ type: 'Choose', option: 'SHIP' }), ctx(), 'Choose')).rejects.toMatchObject({ code: 'CHOICE_STANDS' });
    expect(a.reads).toHaveBeenCalledTimes(1);
    expect(a.reads.mock.calls[0][1]).toBeUndefined(); // a whole read: nothing cached any more
    expect(a.appends).not.toHaveBeenCalled(); // decided on the stream as it is, not on the old copy
    expect((await a.store.readStream(s)).map((e) => e.type)).toEqual(['Noted', 'Chosen']);
  });

  it('an idempotency key applied by another instance after the cached revision is a replay, not a second write', async () => {
    const a = await instance();
    const b = await instance();
    for (const deterministic of [false, true]) {
      const s = newStream();
      await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
      // With a timestamp the key-derived ids collide with other content (ES002); without, with the same content (a store replay).
      const cmd = (): C => ({ type: 'Choose', option: 'REFUND', ...(deterministic ? {} : { at: new Date().toISOString() }) });
      const first = await b.repo.handle(s, decider, cmd, ctx('m-1', 'key-1'), 'Choose');
      expect(first.alreadyApplied).toBe(false);
      await b.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
      const retry = await a.repo.handle(s, decider, cmd, ctx('m-1', 'key-1'), 'Choose');
      expect(retry).toMatchObject({ alreadyApplied: true, position: first.position, revision: 2, state: { choice: 'REFUND', notes: 2 } });
      expect((await a.store.readStream(s)).map((e) => e.type)).toEqual(['Noted', 'Chosen', 'Noted']);
      // The same key from the cache (a now has the stream) is answered without a write either.
      a.appends.mockClear();
      const again = await a.repo.handle(s, decider, cmd, ctx('m-1', 'key-1'), 'Choose');
      expect(again).toMatchObject({ alreadyApplied: true, position: first.position });
      expect(a.appends).not.toHaveBeenCalled();
      // Another caller's same key is another request.
      await expect(a.repo.handle(s, decider, cmd, ctx('m-2', 'key-1'), 'Choose')).rejects.toMatchObject({ code: 'CHOICE_STANDS' });
    }
  });

  it('fresh(): one read of only the newer events, folded onto the cached state', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    await b.repo.handle(s, decider, (): C => ({ type: 'Note', n: 5 }), ctx(), 'Note');
    await b.repo.handle(s, decider, (): C => ({ type: 'Ask' }), ctx(), 'Ask');
    a.reads.mockClear();
    const f = await a.repo.fresh(s, decider);
    expect(a.reads.mock.calls).toEqual([[s, { fromRevision: 1 }]]);
    expect(f).toMatchObject({ revision: 2, state: { notes: 6, asked: true } });
    const full = await b.repo.load(s, decider);
    expect(f.state).toEqual(full.state);
    expect(f.last).toEqual(full.last);
  });

  it('is bounded (LRU): the least recently used stream is the one read again', async () => {
    const a = await instance(3);
    const streams = [newStream(), newStream(), newStream(), newStream()];
    for (const s of streams.slice(0, 3)) await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    await a.repo.handle(streams[0], decider, (): C => ({ type: 'Note' }), ctx(), 'Note'); // streams[0] used most recently
    await a.repo.handle(streams[3], decider, (): C => ({ type: 'Note' }), ctx(), 'Note'); // pushes out streams[1]
    expect(a.repo.cachedStreams).toBe(3);
    a.reads.mockClear();
    for (const s of [streams[0], streams[2], streams[3]]) await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    expect(a.reads).not.toHaveBeenCalled();
    await a.repo.handle(streams[1], decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    expect(a.reads.mock.calls.map((c) => c[0])).toEqual([streams[1]]);
    expect(a.repo.cachedStreams).toBe(3);
  });

  it('STREAM_CACHE_SIZE=0 turns it off: every command reads its stream', async () => {
    const a = await instance(0);
    const s = newStream();
    for (let i = 0; i < 3; i++) await a.repo.handle(s, decider, (): C => ({ type: 'Note' }), ctx(), 'Note');
    expect(a.reads).toHaveBeenCalledTimes(3);
    expect(a.repo.cachedStreams).toBe(0);
  });

  it('two instances alternating on one stream with stale caches: every write lands once, in order, and the chain verifies', async () => {
    const a = await instance();
    const b = await instance();
    const s = newStream();
    const results = [];
    for (let i = 0; i < 12; i++) {
      const repo = (i % 3 === 0 ? b : a).repo; // a's copy goes stale twice out of three
      results.push(await repo.handle(s, decider, (): C => ({ type: 'Note', n: i }), ctx(), 'Note'));
    }
    expect(results.map((r) => r.revision)).toEqual([...Array(12).keys()]);
    expect(results[11].state.notes).toBe((11 * 12) / 2);
    const events = await a.store.readStream(s);
    expect(events.map((e) => e.data.n)).toEqual([...Array(12).keys()]);
    events.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? null : events[i - 1].hash));
  });
});
