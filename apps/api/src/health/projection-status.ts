import { Injectable } from '@nestjs/common';

export interface ProjectionStatusReport {
  /** Per projection: position, leader here, lag, status (ok | lagging | stalled), the stalled event, parked count. */
  projections: Record<string, unknown>;
  /** What makes readiness not ok, one sentence each (naming the projection and, when stalled, the event). */
  problems: string[];
}

/** Reports projection status for /health; the projections service registers itself here. */
@Injectable()
export class ProjectionStatusSource {
  private source: (() => Promise<ProjectionStatusReport>) | null = null;
  register(fn: () => Promise<ProjectionStatusReport>) {
    this.source = fn;
  }
  async status(): Promise<ProjectionStatusReport> {
    return this.source ? this.source() : { projections: {}, problems: [] };
  }
}
