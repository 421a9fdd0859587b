import { ORDER_FACT_TYPES as FACT_TYPES, ORDER_KINDS, PAYMENT_METHODS } from '@app/domain';
import { EnumField, IdField, InstantField, IntField, TextField } from '../platform/validation/fields';

export { FACT_TYPES, ORDER_KINDS, PAYMENT_METHODS };

export class RegisterOrderDto {
  @IdField('orderId', { example: 'o-1001' }) orderId!: string;
  @IdField('merchantId', { example: 'm-1' }) merchantId!: string;
  @IdField('consumerId', { example: 'c-1' }) consumerId!: string;
  @InstantField({ example: '2026-11-20T02:00:00Z', description: 'When the order was placed' }) placedAt!: string;
  @EnumField(PAYMENT_METHODS) paymentMethod!: (typeof PAYMENT_METHODS)[number];
  @EnumField(ORDER_KINDS) orderKind!: (typeof ORDER_KINDS)[number];
  @InstantField({ optional: true, example: '2026-11-25T02:00:00Z', description: 'Agreed ship date (presale/custom/special orders)' })
  promisedShipAt?: string;
  @IntField({ min: 0, description: 'Order amount in fen', example: 12900 }) amount!: number;
}

export class OrderFactDto {
  @EnumField(FACT_TYPES) type!: (typeof FACT_TYPES)[number];
  @InstantField({ example: '2026-11-20T03:00:00Z', description: 'When it happened; may not be in the future' }) occurredAt!: string;
  @TextField({ optional: true, min: 1, max: 64, example: 'SF' }) carrier?: string;
  @TextField({ optional: true, min: 1, max: 64, example: 'SF1234567890' }) waybillNo?: string;
  @IntField({ optional: true, min: 0, description: 'Amount in fen (PAID, REFUNDED)' }) amount?: number;
}
