import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { ConcurrencyError, EVENT_STORE, type EventStore, type ExpectedRevision, type Position, type RecordedEvent } from '@app/event-store';
import type { CommandContext } from './command-context';
import { Metrics } from '../metrics/metrics';

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

export interface Loaded<S> {
  state: S;
  /** Revision of the last event, or null when the stream does not exist. */
  revision: number | null;
  events: RecordedEvent[];
}

export interface Handled<S> extends Loaded<S> {
  appended: RecordedEvent[];
  /** Global position reached by this write (or the stream's last event when nothing was appended). */
  position: Position | null;
  /** True when the idempotency key had already been applied to this stream. */
  alreadyApplied: boolean;
}

export interface HandleOptions<S> {
  /** The stream as the handler already read it (used for the first attempt instead of reading it again). */
  loaded?: Loaded<S>;
  maxAttempts?: number;
}

const EVENT_ID_NAMESPACE = '6f6c2a4e-7c1b-4b8e-9a35-3f4f3d2f6a10';

export function toDomainEvent<E extends DomainEvent>(e: RecordedEvent): E {
  return { type: e.type, data: e.data } as E;
}

/**
 * The one generic command path (like Emmett's CommandHandler): read → fold → decide → append with the exact
 * expected revision. Command handlers gather their inputs (other streams, settings) once, then call `handle`
 * with a function that builds the domain command from the stream's state.
 * On a concurrent append it re-reads and decides again (the decider then sees the other write, e.g.
 * "a choice already stands" → 409), so no write is lost and none is applied twice.
 */
@Injectable()
export class AggregateRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {}

  async load<S, C, E extends DomainEvent>(stream: string, decider: Decider<S, C, E>, upTo?: (e: RecordedEvent) => boolean): Promise<Loaded<S>> {
    const events = await this.store.readStream(stream);
    let state = decider.initialState();
    let revision: number | null = null;
    const used: RecordedEvent[] = [];
    for (const e of events) {
      if (upTo && !upTo(e)) break;
      state = decider.evolve(state, toDomainEvent<E>(e));
      revision = e.revision;
      used.push(e);
    }
    return { state, revision, events: used };
  }

  async handle<S, C, E extends DomainEvent>(
    stream: string,
    decider: Decider<S, C, E>,
    makeCommand: (loaded: Loaded<S>) => C | Promise<C>,
    ctx: CommandContext,
    commandName: string,
    opts: HandleOptions<S> = {},
  ): Promise<Handled<S>> {
    const maxAttempts = opts.maxAttempts ?? 12;
    for (let attempt = 1; ; attempt++) {
      // The first attempt may reuse the read the handler already made (to gather its inputs); a retry re-reads.
      const loaded = attempt === 1 && opts.loaded ? opts.loaded : await this.load(stream, decider);
      if (ctx.idempotencyKey) {
        const prior = loaded.events.find(
          (e) => e.metadata?.idempotencyKey === ctx.idempotencyKey && (e.metadata?.actor as any)?.sub === ctx.actor.sub,
        );
        if (prior) {
          this.metrics.commands.inc({ command: commandName, result: 'replayed' });
          return { ...loaded, appended: [], position: prior.position, alreadyApplied: true };
        }
      }
      let events: E[];
      try {
        const command = await makeCommand(loaded);
        events = decider.decide(command, loaded.state);
      } catch (e) {
        this.metrics.commands.inc({ command: commandName, result: 'refused' });
        throw e;
      }
      if (events.length === 0) {
        this.metrics.commands.inc({ command: commandName, result: 'noop' });
        const last = loaded.events[loaded.events.length - 1];
        return { ...loaded, appended: [], position: last?.position ?? null, alreadyApplied: false };
      }
      const expectedRevision: ExpectedRevision = loaded.revision === null ? 'no_stream' : loaded.revision;
      const metadata = {
        actor: { sub: ctx.actor.sub, role: ctx.actor.role },
        command: commandName,
        requestId: ctx.requestId,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId ?? ctx.requestId,
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
      };
      const base = loaded.revision === null ? 0 : loaded.revision + 1;
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
          { expectedRevision },
        );
        let state = loaded.state;
        for (const e of events) state = decider.evolve(state, e);
        this.metrics.commands.inc({ command: commandName, result: 'accepted' });
        return {
          state,
          revision: result.nextExpectedRevision,
          events: [...loaded.events, ...result.events],
          appended: result.events,
          position: result.position,
          alreadyApplied: false,
        };
      } catch (e) {
        if (e instanceof ConcurrencyError && attempt < maxAttempts) {
          this.metrics.concurrencyRetries.inc({ command: commandName });
          // Jittered back-off so that a burst of writers to one stream spreads out instead of colliding again.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
          continue;
        }
        throw e;
      }
    }
  }
}
