import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant } from './validators';

export const OPTIONS = ['CONSUMER_CANCELLED', 'SHIPPED_WITH_PICKUP', 'SHIP_BY_AGREED_DATE', 'OUT_OF_STOCK_REFUND', 'NO_FAULT_DEFENSE'] as const;
export const DEFENSE_REASONS = [
  'SHIPPED_WITHIN_DEADLINE',
  'DELAY_REPORTED',
  'DELAY_CARD_ACCEPTED',
  'ORDER_NOT_ASSESSED',
  'FORCE_MAJEURE',
  'ABNORMAL_ORDER',
  'MALICIOUS_ORDER',
] as const;
export const EVIDENCE_KINDS = ['CHAT_LOG', 'SMS', 'CALL_RECORD', 'PHOTO', 'DOCUMENT', 'OTHER'] as const;
export const OUTCOMES = ['MERCHANT_LIABLE', 'MERCHANT_NOT_LIABLE'] as const;
export const VIOLATIONS = ['LATE_SHIPMENT', 'OUT_OF_STOCK', 'BREACH_OF_PROMISE'] as const;
export const STATUSES = ['AWAITING_MERCHANT', 'AWAITING_SHIPMENT', 'AWAITING_CONSUMER', 'UNDER_REVIEW', 'SETTLED', 'JUDGED'] as const;

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
