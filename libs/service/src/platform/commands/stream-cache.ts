import type { Position } from '@app/event-store';

/**
 * A stream's folded state as the command path keeps it between commands: the state, the revision and the
 * last event (position and hash: the head the next event's hash chains onto), and the idempotency keys
 * recorded in the stream (`${actor sub}\n${key}` → position of the first event written under the key).
 */
export interface Current<S> {
  state: S;
  /** Revision of the last event, or null when the stream does not exist. */
  revision: number | null;
  /** The stream's last event (null: no stream). */
  last: { position: Position; hash: string } | null;
  keys: ReadonlyMap<string, Position>;
}

export const NO_KEYS: ReadonlyMap<string, Position> = new Map();

export function idempotencyIndexKey(sub: string, key: string): string {
  return `${sub}\n${key}`;
}

interface Entry {
  /** The decider the state was folded with (a stream folded by another decider is not this entry). */
  decider: object;
  current: Current<unknown>;
}

/**
 * A bounded LRU map stream → folded state, for one process. It is only ever a guess: an append made with the
 * cached revision as its exact expected revision fails when anyone else (another instance, the worker, a
 * reaction in another process) wrote to the stream meanwhile, and the command path then evicts and reads the
 * stream again. Nothing that does not exist is cached (revision null).
 */
export class StreamCache {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached state (marked most recently used), or undefined. */
  get<S>(stream: string, decider: object): Current<S> | undefined {
    const entry = this.entries.get(stream);
    if (!entry) return undefined;
    if (entry.decider !== decider) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry.current as Current<S>;
  }

  /** Remembers a state; never replaces a newer revision by an older one (a slow read racing an append). */
  put<S>(stream: string, decider: object, current: Current<S>): void {
    if (!this.enabled || current.revision === null || current.last === null) return;
    const known = this.entries.get(stream);
    if (known && known.decider === decider && known.current.revision !== null && known.current.revision > current.revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, { decider, current });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  evict(stream: string): void {
    this.entries.delete(stream);
  }

  clear(): void {
    this.entries.clear();
  }
}
