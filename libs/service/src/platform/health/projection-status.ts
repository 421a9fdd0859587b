/**
 * What /health reports about the projections. The health controller (platform) owns the interface and the
 * token; the read-model feature provides the implementation (ReadModelsModule exports PROJECTION_STATUS) and
 * the application module hands that module to HealthModule.forRoot().
 */
export interface ProjectionStatusReport {
  /** Per projection: position, leader here, lag, status (ok | lagging | stalled), the stalled event, parked count. */
  projections: Record<string, unknown>;
  /** What makes readiness not ok, one sentence each (naming the projection and, when stalled, the event). */
  problems: string[];
}

export interface ProjectionStatus {
  status(): Promise<ProjectionStatusReport>;
}
export const PROJECTION_STATUS = Symbol('PROJECTION_STATUS');
