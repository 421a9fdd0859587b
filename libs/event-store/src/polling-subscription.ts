import { AsyncLocalStorage } from 'node:async_hooks';
import { parsePosition, START, type Position, type RecordedEvent, type SubscribeToAllOptions, type Subscription } from './event-store.port';

export interface SubscriptionPage {
  events: RecordedEvent[];
  lastPosition: Position;
  isEnd: boolean;
  /**
   * True when events exist that are committed but not yet readable (an older transaction is still open):
   * the subscription then re-polls soon instead of waiting for the next wake-up or poll interval.
   */
  pending?: boolean;
}

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_POLL_INTERVAL_MS = 1000;
const MAX_CONSECUTIVE_READ_FAILURES = 6;

const handlerContext = new AsyncLocalStorage<PollingSubscription>();

/**
 * A catch-up subscription as a polling loop over a global-log reader: read a batch after the checkpoint,
 * hand it to the handler, wait for the handler, advance, repeat. When caught up it sleeps until wake()
 * (called by appends in this process and by NOTIFY) or until pollIntervalMs passed.
 *
 * - Delivery order is the reader's order and every batch starts strictly after the previous batch's last
 *   position, so it neither skips nor repeats as long as the reader never returns an event "behind" one it
 *   returned before (SqlEventStore guarantees that with the xmin horizon).
 * - A wake-up that arrives while reading or handling is not lost (dirty flag).
 * - A handler error stops the loop and rejects `done`; read errors are retried with back-off a few times
 *   before they do.
 * - stop() resolves once the handler is no longer running; calling it from inside the handler does not
 *   dead-lock (it returns at once and the loop ends after the handler returns).
 */
export class PollingSubscription implements Subscription {
  readonly done: Promise<void>;
  private stopped = false;
  private dirty = true;
  private waiter: (() => void) | null = null;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly read: (after: Position, maxCount: number) => Promise<SubscriptionPage>,
    private readonly options: SubscribeToAllOptions,
    onFinished: (sub: PollingSubscription) => void,
  ) {
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.pollIntervalMs = Math.max(1, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.done = this.run().finally(() => onFinished(this));
    // `done` is for whoever wants it; an unobserved failure must not become an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Makes a waiting loop poll now (and a busy one poll again right after its current step). */
  wake(): void {
    this.dirty = true;
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.wake();
    }
    if (handlerContext.getStore() === this) return; // called by our own handler: awaiting would dead-lock
    await this.done.catch(() => undefined);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let after = this.options.after ?? START;
    parsePosition(after); // validates (throws InvalidPositionError → rejects done)
    let failures = 0;
    let stallDelay = 0;
    // Let the caller finish subscribing (and attach to `done`) before the first read.
    await Promise.resolve();
    while (!this.stopped) {
      this.dirty = false;
      let page: SubscriptionPage;
      try {
        page = await this.read(after, this.batchSize);
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        if (++failures >= MAX_CONSECUTIVE_READ_FAILURES) throw err;
        await this.sleep(Math.min(Math.min(this.pollIntervalMs, 100) * 2 ** (failures - 1), 5000));
        continue;
      }
      if (this.stopped) break;
      if (page.events.length > 0) {
        const events = page.events;
        await handlerContext.run(this, () => this.options.handler(events));
        after = page.lastPosition;
        stallDelay = 0;
        if (!page.isEnd) continue;
      }
      if (this.stopped) break;
      if (page.pending) {
        stallDelay = stallDelay === 0 ? 5 : Math.min(stallDelay * 2, this.pollIntervalMs);
      } else {
        stallDelay = 0;
      }
      if (this.dirty) continue;
      await this.sleep(stallDelay || this.pollIntervalMs);
    }
  }
}
