import { IdField, PatternField } from './fields';

/**
 * Path parameters, one class per parameter name, validated like body fields (a malformed id is a 400, an
 * unknown one a 404) and declared in the OpenAPI document by the same decorator.
 */
export class OrderIdParam {
  @IdField('orderId', { description: 'Order id' }) orderId!: string;
}
export class DisputeIdParam {
  @IdField('id', { description: 'Dispute id' }) id!: string;
}
export class MerchantIdParam {
  @IdField('merchantId', { description: 'Merchant id' }) merchantId!: string;
}
export class ReportIdParam {
  @IdField('id', { description: 'Delay report id' }) id!: string;
}

export const STREAM_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;
export class StreamParam {
  @PatternField(STREAM_RE, 'stream must be a stream name such as dispute-<id> or order-<id>', { maxLength: 256, description: 'Stream name, e.g. dispute-<id>' })
  stream!: string;
}
