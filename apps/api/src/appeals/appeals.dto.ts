import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { EvidenceDto } from '../disputes/disputes.dto';

export class AppealDto {
  @ApiProperty({ description: "The merchant's statement: why the liability is wrong", example: 'The carrier scanned the parcel late; our handover record shows pickup on time.' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  statement!: string;

  @ApiPropertyOptional({
    type: [EvidenceDto],
    description: 'New evidence, at least one item (missing or empty: 422 APPEAL_EVIDENCE_REQUIRED)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];
}
