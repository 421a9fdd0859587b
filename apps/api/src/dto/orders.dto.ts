import { ORDER_FACT_TYPES as FACT_TYPES, ORDER_KINDS, PAYMENT_METHODS } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant } from './validators';

export { FACT_TYPES, ORDER_KINDS, PAYMENT_METHODS };

export class RegisterOrderDto {
  @ApiProperty({ example: 'o-1001' }) @IsString() @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` }) orderId!: string;
  @ApiProperty({ example: 'm-1' }) @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId!: string;
  @ApiProperty({ example: 'c-1' }) @IsString() @Matches(ID_PATTERN, { message: `consumerId ${ID_MESSAGE}` }) consumerId!: string;
  @ApiProperty({ example: '2026-11-20T02:00:00Z' }) @IsIsoInstant() placedAt!: string;
  @ApiProperty({ enum: PAYMENT_METHODS }) @IsIn(PAYMENT_METHODS) paymentMethod!: (typeof PAYMENT_METHODS)[number];
  @ApiProperty({ enum: ORDER_KINDS }) @IsIn(ORDER_KINDS) orderKind!: (typeof ORDER_KINDS)[number];
  @ApiPropertyOptional({ example: '2026-11-25T02:00:00Z', description: 'Agreed ship date (presale/custom/special orders)' })
  @IsOptional()
  @IsIsoInstant()
  promisedShipAt?: string;
  @ApiProperty({ description: 'Order amount in fen', example: 12900 }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
}

export class OrderFactDto {
  @ApiProperty({ enum: FACT_TYPES }) @IsIn(FACT_TYPES) type!: (typeof FACT_TYPES)[number];
  @ApiProperty({ example: '2026-11-20T03:00:00Z', description: 'When it happened; may not be in the future' }) @IsIsoInstant() occurredAt!: string;
  @ApiPropertyOptional({ example: 'SF' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(64) carrier?: string;
  @ApiPropertyOptional({ example: 'SF1234567890' }) @IsOptional() @IsString() @MinLength(1) @MaxLength(64) waybillNo?: string;
  @ApiPropertyOptional({ description: 'Amount in fen (PAID, REFUNDED)' }) @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) amount?: number;
}
