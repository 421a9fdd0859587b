import { Inject, Injectable, Optional } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  ConcurrencyError,
  DuplicateEventIdError,
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type Position,
  type RecordedEvent,
} from '@app/event-store';
import type { CommandContext } from './command-context';
import { Metrics } from '../metrics/metrics';
import { idempotencyIndexKey, NO_KEYS, StreamCache, type Current } from './stream-cache';

export type { Current } from './stream-cache';

/** A decider as in the domain library: pure decide/evolve over plain {type, data} events. */
export interface Decider<S, C, E extends DomainEvent> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
}
export interface DomainEvent {
  type: string;
  data: Record<string, any>;
}

/** A stream read from the store just now: its folded state and every event. */
export interface Loaded<S> extends Current<S> {
  events: RecordedEvent[];
}

export interface Handled<S> extends Current<S> {
  appended: RecordedEvent[];
  /** Global position reached by this write (or the stream's last event when nothing was appended). */
  position: Position | null;
  /** True when the idempotency key had already been applied to this stream. */
  alreadyApplied: boolean;
}

export interface HandleOptions<L> {
  /** The stream as the handler already got it (used for the first attempt instead of getting it again). */
  loaded?: L;
  maxAttempts?: number;
}

const EVENT_ID_NAMESPACE = '6f6c2a4e-7c1b-4b8e-9a35-3f4f3d2f6a10';
export const DEFAULT_STREAM_CACHE_SIZE = 10_000;

export function toDomainEvent<E extends DomainEvent>(e: RecordedEvent): E {
  return { type: e.type, data: e.data } as E;
}

/** Folds recorded events onto a state (the idempotency keys of their metadata included). */
function fold<S, E extends DomainEvent>(decider: Decider<S, unknown, E>, from: Current<S>, events: readonly RecordedEvent[]): Current<S> {
  if (events.length === 0) return from;
  let state = from.state;
  let keys = from.keys;
  for (const e of events) {
    state = decider.evolve(state, toDomainEvent<E>(e));
    const key = e.metadata?.idempotencyKey;
    const sub = (e.metadata?.actor as { sub?: unknown } | undefined)?.sub;
    if (typeof key === 'string' && typeof sub === 'string') {
      const k = idempotencyIndexKey(sub, key);
      if (!keys.has(k)) keys = new Map(keys).set(k, e.position);
    }
  }
  const last = events[events.length - 1];
  return { state, revision: last.revision, last: { position: last.position, hash: last.hash }, keys };
}

/**
 * The one generic command path (like Emmett's CommandHandler): get the stream's state → decide → append with
 * the exact expected revision. Command handlers gather their inputs (other streams, settings) once per
 * attempt, then call `handle` with a function that builds the domain command from the stream's state.
 *
 * The state comes from an in-process LRU cache of folded streams (STREAM_CACHE_SIZE, 0 = off) when this
 * process saw the stream before, else from one read of the stream. The cache is only a guess — other
 * instances, the worker and reactions elsewhere append too — and the exact expected revision is the safety
 * net: an append on a stale state fails, the stream is evicted and read again, and the command is decided
 * again (the decider then sees the other write, e.g. "a choice already stands" → 409), so no write is lost
 * and none is applied twice. An outcome that appends nothing (a refusal, a no-op, an idempotent replay) is
 * confirmed against the stream first when it was decided on a cached state: one read of the events after
 * the cached revision; if there are any, the command is decided again on the fresh state. After an append
 * the cache holds the evolved state at the new revision; after an append whose outcome is unknown (a lost
 * connection, any error) the stream is evicted.
 */
@Injectable()
export class AggregateRepository {
  private readonly cache: StreamCache;
  /** States handed out from the cache (each a copy): they may be stale. */
  private readonly fromCache = new WeakSet<object>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: Metrics,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'STREAM_CACHE_SIZE'> | null,
  ) {
    this.cache = new StreamCache(config?.STREAM_CACHE_SIZE ?? DEFAULT_STREAM_CACHE_SIZE);
  }

  /** Streams currently cached (for tests and metrics). */
  get cachedStreams(): number {
    return this.cache.size;
  }

  /** Reads the whole stream and folds it (optionally only the events `upTo` accepts). Always a read. */
  async load<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, upTo?: (e: RecordedEvent) => boolean): Promise<Loaded<S>> {
    const all = await this.store.readStream(stream);
    let events = all;
    if (upTo) {
      const n = all.findIndex((e) => !upTo(e));
      if (n >= 0) events = all.slice(0, n);
    }
    const folded = fold(decider, { state: decider.initialState(), revision: null, last: null, keys: NO_KEYS }, events);
    if (!upTo) this.cache.put(stream, decider, folded);
    return { ...folded, events };
  }

  /**
   * The stream's state for a command: from the cache when this process has it (no read; possibly stale —
   * only for deciding through `handle`, which confirms it), else one read.
   */
  async current<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>): Promise<Current<S>> {
    const hit = this.cache.get<S>(stream, decider);
    if (hit) {
      this.metrics.streamCache.inc({ result: 'hit' });
      const copy = { ...hit };
      this.fromCache.add(copy);
      return copy;
    }
    if (this.cache.enabled) this.metrics.streamCache.inc({ result: 'miss' });
    const { events: _events, ...loaded } = await this.load(stream, decider);
    return loaded;
  }

  /**
   * The stream's state as it stands now: one read — of the events after the cached revision when this
   * process has the stream, else of the whole stream.
   */
  async fresh<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>): Promise<Current<S>> {
    const cached = this.cache.get<S>(stream, decider);
    if (cached && cached.revision !== null && cached.last) {
      const newer = await this.store.readStream(stream, { fromRevision: cached.revision + 1 });
      if (newer.length === 0) return { ...cached };
      // The first newer event must chain onto the cached head; anything else: read the whole stream.
      if (newer[0].revision === cached.revision + 1 && newer[0].prevHash === cached.last.hash) {
        const folded = fold(decider, cached, newer);
        this.cache.put(stream, decider, folded);
        return folded;
      }
      this.cache.evict(stream);
    }
    const { events: _events, ...loaded } = await this.load(stream, decider);
    return loaded;
  }

  /** Decide and append on the stream's current state (cached when possible; see the class comment). */
  handle<S, C, E extends DomainEvent>(
    stream: string,
    decider: Decider<S, C, E>,
    makeCommand: (current: Current<S>) => C | Promise<C>,
    ctx: CommandContext,
    commandName: string,
    opts: HandleOptions<Current<S>> = {},
  ): Promise<Handled<S>> {
    return this.run(stream, decider, makeCommand, ctx, commandName, opts, () => this.current(stream, decider));
  }

  /** Like `handle`, for a command that needs the stream's events themselves: every attempt reads the whole stream. */
  handleWithEvents<S, C, E extends DomainEvent>(
    stream: string,
    decider: Decider<S, C, E>,
    makeCommand: (loaded: Loaded<S>) => C | Promise<C>,
    ctx: CommandContext,
    commandName: string,
    opts: HandleOptions<Loaded<S>> = {},
  ): Promise<Handled<S>> {
    return this.run(stream, decider, makeCommand, ctx, commandName, opts, () => this.load(stream, decider));
  }

  private async run<S, C, E extends DomainEvent, L extends Current<S>>(
    stream: string,
    decider: Decider<S, C, E>,
    makeCommand: (current: L) => C | Promise<C>,
    ctx: CommandContext,
    commandName: string,
    opts: HandleOptions<L>,
    read: () => Promise<L>,
  ): Promise<Handled<S>> {
    const maxAttempts = opts.maxAttempts ?? 12;
    let given: L | undefined = opts.loaded;
    for (let attempt = 1; ; attempt++) {
      // The first attempt may reuse what the handler already got (to gather its inputs).
      const current: L = given ?? (await read());
      given = undefined;
      const maybeStale = this.fromCache.has(current);
      /** A cached state is confirmed before an outcome that writes nothing; false: decide again on `given`. */
      const confirmed = async (): Promise<boolean> => {
        if (!maybeStale) return true;
        const now = await this.fresh(stream, decider);
        if (now.revision === current.revision) return true;
        this.metrics.streamCache.inc({ result: 'stale' });
        given = now as L; // `fresh` answers a Current; with events needed, `read` is a load and nothing is cached-marked
        return false;
      };

      if (ctx.idempotencyKey) {
        const prior = current.keys.get(idempotencyIndexKey(ctx.actor.sub, ctx.idempotencyKey));
        if (prior) {
          const state = maybeStale ? await this.fresh(stream, decider) : current;
          this.metrics.commands.inc({ command: commandName, result: 'replayed' });
          return { ...stripEvents(state), appended: [], position: prior, alreadyApplied: true };
        }
      }
      let events: E[];
      try {
        const command = await makeCommand(current);
        events = decider.decide(command, current.state);
      } catch (e) {
        if (!(await confirmed())) continue;
        this.metrics.commands.inc({ command: commandName, result: 'refused' });
        throw e;
      }
      if (events.length === 0) {
        if (!(await confirmed())) continue;
        this.metrics.commands.inc({ command: commandName, result: 'noop' });
        return { ...stripEvents(current), appended: [], position: current.last?.position ?? null, alreadyApplied: false };
      }
      const expectedRevision: ExpectedRevision = current.revision === null ? 'no_stream' : current.revision;
      const metadata = {
        actor: { sub: ctx.actor.sub, role: ctx.actor.role },
        command: commandName,
        requestId: ctx.requestId,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId ?? ctx.requestId,
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
      };
      const base = current.revision === null ? 0 : current.revision + 1;
      try {
        const result = await this.store.appendToStream(
          stream,
          events.map((e, i) => ({
            // A key-derived id makes a blind retry of the same append a no-op in the store.
            eventId: ctx.idempotencyKey ? uuidv5(`${ctx.actor.role}:${ctx.actor.sub}|${ctx.idempotencyKey}|${stream}|${base + i}`, EVENT_ID_NAMESPACE) : undefined,
            type: e.type,
            data: e.data,
            metadata,
          })),
          { expectedRevision, ...(current.revision !== null && current.last ? { head: { revision: current.revision, hash: current.last.hash } } : {}) },
        );
        if (result.idempotentReplay && maybeStale) {
          // Our key-derived ids are already stored: the key was applied after our copy was taken. Read the
          // stream and decide again (the key is then found in it).
          this.cache.evict(stream);
          continue;
        }
        // The state evolves with the events as stored (JSON-normalised), exactly as a later read folds them.
        const next = fold(decider, stripEvents(current), result.events);
        if (result.idempotentReplay) this.cache.evict(stream);
        else this.cache.put(stream, decider, next);
        this.metrics.commands.inc({ command: commandName, result: 'accepted' });
        return { ...next, appended: result.events, position: result.position, alreadyApplied: false };
      } catch (e) {
        // Whatever happened, this process no longer knows the stream's head for sure.
        this.cache.evict(stream);
        if (e instanceof ConcurrencyError && attempt < maxAttempts) {
          if (maybeStale) {
            this.metrics.streamCache.inc({ result: 'stale' });
            continue; // not contention: our copy was old; read and decide again at once
          }
          this.metrics.concurrencyRetries.inc({ command: commandName });
          // Jittered back-off so that a burst of writers to one stream spreads out instead of colliding again.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
          continue;
        }
        // Key-derived ids already stored with other content: with a cached state, another instance applied the
        // key after our copy was taken — read again (the key is then found in the stream).
        if (e instanceof DuplicateEventIdError && maybeStale && attempt < maxAttempts) continue;
        throw e;
      }
    }
  }
}

function stripEvents<S>(c: Current<S>): Current<S> {
  return { state: c.state, revision: c.revision, last: c.last, keys: c.keys };
}
