import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { EvidenceDto } from '../dto/disputes.dto';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant } from '../dto/validators';

export const DELAY_REPORT_KINDS = ['PRE_REPORT', 'EMERGENCY_REPORT'] as const;
export const DELAY_REPORT_REASONS = ['WEATHER', 'MAJOR_NATIONAL_EVENT', 'WAREHOUSE_MAINTENANCE', 'OTHER'] as const;
export const DELAY_REPORT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export const DELAY_CARD_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED'] as const;

export class FileDelayReportDto {
  @ApiProperty({ enum: DELAY_REPORT_KINDS, description: 'PRE_REPORT (预报备, a window) or EMERGENCY_REPORT (紧急报备, one order)' })
  @IsIn(DELAY_REPORT_KINDS)
  kind!: (typeof DELAY_REPORT_KINDS)[number];

  @ApiPropertyOptional({ enum: DELAY_REPORT_REASONS, description: 'Required for PRE_REPORT; optional for EMERGENCY_REPORT' })
  @IsOptional()
  @IsIn(DELAY_REPORT_REASONS)
  reason?: (typeof DELAY_REPORT_REASONS)[number];

  @ApiPropertyOptional({ description: 'Free-text note (备注)', example: 'Typhoon warning for Shenzhen' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({
    description: 'PRE_REPORT: start of the window; defaults to now and may not be before now',
    example: '2026-11-23T00:00:00Z',
  })
  @IsOptional()
  @IsIsoInstant()
  windowStart?: string;

  @ApiPropertyOptional({ description: 'PRE_REPORT (required): end of the window (inclusive); after the start, at most 7 days after now', example: '2026-11-25T00:00:00Z' })
  @IsOptional()
  @IsIsoInstant()
  windowEnd?: string;

  @ApiPropertyOptional({ description: 'EMERGENCY_REPORT (required): the order the report is about', example: 'o-1001' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` })
  orderId?: string;

  @ApiPropertyOptional({ description: 'EMERGENCY_REPORT (required): the concrete ship date promised to the consumer', example: '2026-11-26T10:00:00Z' })
  @IsOptional()
  @IsIsoInstant()
  promisedShipAt?: string;

  @ApiPropertyOptional({
    type: [EvidenceDto],
    description: 'PRE_REPORT: at least one item. EMERGENCY_REPORT: at least one CHAT_LOG, SMS or CALL_RECORD',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];
}

export class ReviewDelayReportDto {
  @ApiProperty({ description: 'true approves the report, false rejects it' }) @IsBoolean() approved!: boolean;
  @ApiPropertyOptional({ description: 'Required when rejecting (shown to the merchant); an optional note when approving' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class SendDelayCardDto {
  @ApiPropertyOptional({ description: 'Text shown to the consumer', example: 'Our warehouse is closed by the typhoon; we ship on Friday.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  message?: string;
  @ApiPropertyOptional({ description: 'The new ship date proposed to the consumer (not in the past)' })
  @IsOptional()
  @IsIsoInstant()
  promisedShipAt?: string;
}

export class DelayCardResponseDto {
  @ApiProperty({ description: 'true accepts the delay (the delay is excused), false rejects it' }) @IsBoolean() accepted!: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}

export class DelayPageQuery {
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (nextCursor)' }) @IsOptional() @IsString() @MaxLength(512) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class DelayReportListQuery extends DelayPageQuery {
  @ApiPropertyOptional({ enum: DELAY_REPORT_STATUSES }) @IsOptional() @IsIn(DELAY_REPORT_STATUSES) status?: (typeof DELAY_REPORT_STATUSES)[number];
  @ApiPropertyOptional({ enum: DELAY_REPORT_KINDS }) @IsOptional() @IsIn(DELAY_REPORT_KINDS) kind?: (typeof DELAY_REPORT_KINDS)[number];
  @ApiPropertyOptional({ description: 'Merchants: their own id only (another id answers an empty list)' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` })
  merchantId?: string;
  @ApiPropertyOptional({ description: 'Emergency reports of one order' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` })
  orderId?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'By filing time' }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}

export class DelayCardListQuery extends DelayPageQuery {
  @ApiPropertyOptional({ enum: DELAY_CARD_STATUSES }) @IsOptional() @IsIn(DELAY_CARD_STATUSES) status?: (typeof DELAY_CARD_STATUSES)[number];
  @ApiPropertyOptional({ description: 'Merchants: their own id only' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` })
  merchantId?: string;
  @ApiPropertyOptional({ description: 'Consumers: their own id only' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `consumerId ${ID_MESSAGE}` })
  consumerId?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'By sending time' }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}

export class ReportIdParam {
  @IsString() @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` }) id!: string;
}
export class OrderIdParam {
  @IsString() @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` }) orderId!: string;
}
