import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { EvidenceDto, EvidenceListField } from '../disputes/disputes.dto';

export class AppealDto {
  @ApiProperty({ description: "The merchant's statement: why the liability is wrong", example: 'The carrier scanned the parcel late; our handover record shows pickup on time.' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  statement!: string;

  @EvidenceListField('New evidence, at least one item (missing or empty: 422 APPEAL_EVIDENCE_REQUIRED)')
  evidence?: EvidenceDto[];
}
