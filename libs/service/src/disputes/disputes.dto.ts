import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, ValidateNested } from 'class-validator';
import { BoolField, EnumField, IdField, InstantField, PatternField, TextField } from '../platform/validation/fields';
import { INSTANT_PATTERN } from '../platform/validation/validators';
import { DEFENSE_REASONS, DISPUTE_OPTIONS as OPTIONS, EVIDENCE_KINDS, OUTCOMES, VIOLATIONS } from '@app/domain';

// The contract's enums, from the domain (one definition).
export { DISPUTE_OPTIONS as OPTIONS, DEFENSE_REASONS, EVIDENCE_KINDS, OUTCOMES, VIOLATIONS, DISPUTE_STATUSES as STATUSES } from '@app/domain';

export const MAX_EVIDENCE = 50;

export class OpenDisputeDto {
  @IdField('orderId', { example: 'o-1001' }) orderId!: string;
  @InstantField({ optional: true, description: 'Defaults to now; may not be in the future' }) openedAt?: string;
}

export class EvidenceDto {
  @EnumField(EVIDENCE_KINDS) kind!: (typeof EVIDENCE_KINDS)[number];
  @TextField({ min: 1, max: 2048, description: 'Reference to the stored evidence (URL, file id)', example: 'oss://evidence/chat-123.png' }) ref!: string;
  @TextField({ optional: true, max: 2000 }) description?: string;
}

/** An optional list of evidence items (at most MAX_EVIDENCE, each validated): choices, appeals and delay reports. */
export function EvidenceListField(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [EvidenceDto], maxItems: MAX_EVIDENCE, ...(description ? { description } : {}) }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_EVIDENCE),
    ValidateNested({ each: true }),
    Type(() => EvidenceDto),
  );
}

export class DefenseDto {
  @EnumField(DEFENSE_REASONS) reason!: (typeof DEFENSE_REASONS)[number];
  @TextField({ min: 1, max: 5000, example: 'Shipped on time; see the pickup scan.' }) statement!: string;
}

export class ChoiceDto {
  @EnumField(OPTIONS) option!: (typeof OPTIONS)[number];
  @InstantField({ optional: true, description: 'SHIP_BY_AGREED_DATE: the agreed ship-by time (future, within MAX_AGREED_SHIP_DELAY)' })
  agreedShipBy?: string;
  @EvidenceListField()
  evidence?: EvidenceDto[];
  @ApiPropertyOptional({ type: DefenseDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DefenseDto)
  defense?: DefenseDto;
}

export class ConsumerResponseDto {
  @BoolField() accepted!: boolean;
  @TextField({ optional: true, max: 2000 }) comment?: string;
}

export class ContestDto {
  @TextField({ min: 1, max: 5000, example: 'I never agreed to this.' }) statement!: string;
}

export class JudgementDto {
  @EnumField(OUTCOMES) outcome!: (typeof OUTCOMES)[number];
  @EnumField(VIOLATIONS, { optional: true }) violation?: (typeof VIOLATIONS)[number];
  @TextField({ min: 1, max: 5000 }) rationale!: string;
}

export class ReplayDto {
  @EnumField(['v1', 'v2']) rulesVersion!: 'v1' | 'v2';
}

/** `?at=`: a revision number or an instant. */
export const AT_RE = new RegExp(`^(\\d{1,15}|${INSTANT_PATTERN.slice(1, -1)})$`);
export class AtQuery {
  @PatternField(AT_RE, 'at must be a revision number or an ISO-8601 instant such as 2026-11-22T08:00:00Z', {
    optional: true,
    maxLength: 40,
    description: 'The state as it stood at this revision (0-based) or instant',
  })
  at?: string;
}

/** `GET /disputes/{id}/timeline?states=`: a state after every event (default), or only where it changed. */
export const TIMELINE_STATES = ['all', 'changed'] as const;
export class TimelineQuery {
  @EnumField(TIMELINE_STATES, {
    optional: true,
    description:
      '`all` (default): `stateAfter` on every event. `changed`: `stateAfter` only on the events after which the case view differs from the one before (always on the first); an event without it left the state as the event before it did',
  })
  states?: (typeof TIMELINE_STATES)[number];
}
