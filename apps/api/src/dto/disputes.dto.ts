import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant } from './validators';
import { DEFENSE_REASONS, DISPUTE_OPTIONS as OPTIONS, EVIDENCE_KINDS, OUTCOMES, VIOLATIONS } from '@app/domain';

// The contract's enums, from the domain (one definition).
export { DISPUTE_OPTIONS as OPTIONS, DEFENSE_REASONS, EVIDENCE_KINDS, OUTCOMES, VIOLATIONS, DISPUTE_STATUSES as STATUSES } from '@app/domain';

export class OpenDisputeDto {
  @ApiProperty({ example: 'o-1001' }) @IsString() @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` }) orderId!: string;
  @ApiPropertyOptional({ description: 'Defaults to now; may not be in the future' }) @IsOptional() @IsIsoInstant() openedAt?: string;
}

export class EvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS }) @IsIn(EVIDENCE_KINDS) kind!: (typeof EVIDENCE_KINDS)[number];
  @ApiProperty({ description: 'Reference to the stored evidence (URL, file id)', example: 'oss://evidence/chat-123.png' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  ref!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

export class DefenseDto {
  @ApiProperty({ enum: DEFENSE_REASONS }) @IsIn(DEFENSE_REASONS) reason!: (typeof DEFENSE_REASONS)[number];
  @ApiProperty({ example: 'Shipped on time; see the pickup scan.' }) @IsString() @MinLength(1) @MaxLength(5000) statement!: string;
}

export class ChoiceDto {
  @ApiProperty({ enum: OPTIONS }) @IsIn(OPTIONS) option!: (typeof OPTIONS)[number];
  @ApiPropertyOptional({ description: 'SHIP_BY_AGREED_DATE: the agreed ship-by time (future, within MAX_AGREED_SHIP_DELAY)' })
  @IsOptional()
  @IsIsoInstant()
  agreedShipBy?: string;
  @ApiPropertyOptional({ type: [EvidenceDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];
  @ApiPropertyOptional({ type: DefenseDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DefenseDto)
  defense?: DefenseDto;
}

export class ConsumerResponseDto {
  @ApiProperty() @IsBoolean() accepted!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}

export class ContestDto {
  @ApiProperty({ example: 'I never agreed to this.' }) @IsString() @MinLength(1) @MaxLength(5000) statement!: string;
}

export class JudgementDto {
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome!: (typeof OUTCOMES)[number];
  @ApiPropertyOptional({ enum: VIOLATIONS }) @IsOptional() @IsIn(VIOLATIONS) violation?: (typeof VIOLATIONS)[number];
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(5000) rationale!: string;
}

export class ReplayDto {
  @ApiProperty({ enum: ['v1', 'v2'] }) @IsIn(['v1', 'v2']) rulesVersion!: 'v1' | 'v2';
}
