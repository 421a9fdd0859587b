import type { FastifyReply } from 'fastify';
import { parsePosition, type Position } from '@app/event-store';
import { ProblemException } from './problem';

/**
 * Read-your-writes: every write answers with the global log position it reached in this header;
 * send it back as `X-Min-Position` on a read to wait (bounded by READ_WAIT_MAX) until the read models
 * have applied it.
 */
export const POSITION_HEADER = 'x-event-position';
export const MIN_POSITION_HEADER = 'x-min-position';

export function setPosition(reply: FastifyReply, position: Position | null | undefined): void {
  if (position) void reply.header(POSITION_HEADER, position);
}

/**
 * Honours `X-Min-Position` on a read: validates it, waits (bounded) with `waitFor`, and says in
 * `x-read-consistency` whether the read models caught up (`caught-up`) or the wait timed out (`stale`).
 */
export async function awaitMinPosition(minPosition: string | undefined, reply: FastifyReply, waitFor: (p: Position) => Promise<boolean>): Promise<void> {
  if (!minPosition) return;
  try {
    parsePosition(minPosition);
  } catch {
    throw new ProblemException(400, 'INVALID_POSITION', 'X-Min-Position must be a position such as 757/4 (from X-Event-Position).', {
      errors: [{ field: 'X-Min-Position', messages: ['must be a position A/B'] }],
    });
  }
  const ok = await waitFor(minPosition);
  void reply.header('x-read-consistency', ok ? 'caught-up' : 'stale');
}
