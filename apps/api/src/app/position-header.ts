import type { FastifyReply } from 'fastify';
import type { Position } from '@app/event-store';

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
