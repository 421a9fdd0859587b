import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PUBLISHED_RULES } from '@app/domain';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant } from '../dto/validators';

/** The rules versions a simulation may name: the published registry's. */
export const SIMULATION_RULES_VERSIONS = PUBLISHED_RULES.versions();

export class StartSimulationDto {
  @ApiProperty({ enum: SIMULATION_RULES_VERSIONS, description: 'The rules version to re-judge the period under (the candidate)', example: 'v1' })
  @IsString()
  @IsIn(SIMULATION_RULES_VERSIONS, { message: `rulesVersion must be one of ${SIMULATION_RULES_VERSIONS.join(', ')}` })
  rulesVersion!: string;

  @ApiProperty({ description: 'Start of the period (inclusive). Every calendar week (BUSINESS_TIMEZONE) overlapping [from, to) is simulated whole', example: '2026-10-05T00:00:00Z' })
  @IsIsoInstant()
  from!: string;

  @ApiProperty({ description: 'End of the period (exclusive); after `from`', example: '2026-11-30T00:00:00Z' })
  @IsIsoInstant()
  to!: string;

  @ApiPropertyOptional({ description: 'Only this merchant', example: 'm-1' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` })
  merchantId?: string;
}

export class SimulationIdParam {
  @ApiProperty({ example: 'sim-0b0c…' })
  @IsString()
  @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` })
  id!: string;
}

export class ChangesQuery {
  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
