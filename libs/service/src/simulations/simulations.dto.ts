import { PUBLISHED_RULES } from '@app/domain';
import { EnumField, IdField, InstantField, IntField, TextField } from '../platform/validation/fields';
import { MAX_PAGE } from '../platform/validation/queries';

/** The rules versions a simulation may name: the published registry's. */
export const SIMULATION_RULES_VERSIONS = PUBLISHED_RULES.versions();

export class StartSimulationDto {
  @EnumField(SIMULATION_RULES_VERSIONS, { description: 'The rules version to re-judge the period under (the candidate)', example: 'v1' })
  rulesVersion!: string;

  @InstantField({ description: 'Start of the period (inclusive). Every calendar week (BUSINESS_TIMEZONE) overlapping [from, to) is simulated whole', example: '2026-10-05T00:00:00Z' })
  from!: string;

  @InstantField({ description: 'End of the period (exclusive); after `from`', example: '2026-11-30T00:00:00Z' })
  to!: string;

  @IdField('merchantId', { optional: true, description: 'Only this merchant', example: 'm-1' })
  merchantId?: string;
}

export class SimulationIdParam {
  @IdField('id', { description: 'Simulation id', example: 'sim-0b0c41' })
  id!: string;
}

export class ChangesQuery {
  @TextField({ optional: true, max: 1024, description: 'Opaque cursor from the previous page (nextCursor)' }) cursor?: string;
  @IntField({ optional: true, query: true, min: 1, max: MAX_PAGE, default: 50, description: 'Page size' }) limit?: number;
}
