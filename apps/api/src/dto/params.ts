import { IsOptional, IsString, Matches } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from './validators';

/** Path parameters, validated like body fields (a malformed id is a 400, an unknown one a 404). */
export class IdParam {
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `orderId ${ID_MESSAGE}` }) orderId?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `id ${ID_MESSAGE}` }) id?: string;
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId?: string;
}
