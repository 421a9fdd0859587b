import { EvidenceDto, EvidenceListField } from '../disputes/disputes.dto';
import { BoolField, EnumField, IdField, InstantField, TextField } from '../platform/validation/fields';
import { PageQuery } from '../platform/validation/queries';

export { OrderIdParam, ReportIdParam } from '../platform/validation/params';

// The contract's enums, from the domain (one definition).
import { DELAY_CARD_STATUSES, DELAY_REPORT_KINDS, DELAY_REPORT_REASONS, DELAY_REPORT_STATUSES } from '@app/domain';
export { DELAY_CARD_STATUSES, DELAY_REPORT_KINDS, DELAY_REPORT_REASONS, DELAY_REPORT_STATUSES };

export class FileDelayReportDto {
  @EnumField(DELAY_REPORT_KINDS, { description: 'PRE_REPORT (预报备, a window) or EMERGENCY_REPORT (紧急报备, one order)' })
  kind!: (typeof DELAY_REPORT_KINDS)[number];

  @EnumField(DELAY_REPORT_REASONS, { optional: true, description: 'Required for PRE_REPORT; optional for EMERGENCY_REPORT' })
  reason?: (typeof DELAY_REPORT_REASONS)[number];

  @TextField({ optional: true, max: 2000, description: 'Free-text note (备注)', example: 'Typhoon warning for Shenzhen' })
  note?: string;

  @InstantField({ optional: true, description: 'PRE_REPORT: start of the window; defaults to now and may not be before now', example: '2026-11-23T00:00:00Z' })
  windowStart?: string;

  @InstantField({ optional: true, description: 'PRE_REPORT (required): end of the window (inclusive); after the start, at most 7 days after now', example: '2026-11-25T00:00:00Z' })
  windowEnd?: string;

  @IdField('orderId', { optional: true, description: 'EMERGENCY_REPORT (required): the order the report is about', example: 'o-1001' })
  orderId?: string;

  @InstantField({ optional: true, description: 'EMERGENCY_REPORT (required): the concrete ship date promised to the consumer', example: '2026-11-26T10:00:00Z' })
  promisedShipAt?: string;

  @EvidenceListField('PRE_REPORT: at least one item. EMERGENCY_REPORT: at least one CHAT_LOG, SMS or CALL_RECORD')
  evidence?: EvidenceDto[];
}

export class ReviewDelayReportDto {
  @BoolField({ description: 'true approves the report, false rejects it' }) approved!: boolean;
  @TextField({ optional: true, max: 2000, description: 'Required when rejecting (shown to the merchant); an optional note when approving' })
  reason?: string;
}

export class SendDelayCardDto {
  @TextField({ optional: true, min: 1, max: 1000, description: 'Text shown to the consumer', example: 'Our warehouse is closed by the typhoon; we ship on Friday.' })
  message?: string;
  @InstantField({ optional: true, description: 'The new ship date proposed to the consumer (not in the past)' })
  promisedShipAt?: string;
}

export class DelayCardResponseDto {
  @BoolField({ description: 'true accepts the delay (the delay is excused), false rejects it' }) accepted!: boolean;
  @TextField({ optional: true, max: 2000 }) comment?: string;
}

export class DelayPageQuery extends PageQuery {}

export class DelayReportListQuery extends DelayPageQuery {
  @EnumField(DELAY_REPORT_STATUSES, { optional: true }) status?: (typeof DELAY_REPORT_STATUSES)[number];
  @EnumField(DELAY_REPORT_KINDS, { optional: true }) kind?: (typeof DELAY_REPORT_KINDS)[number];
  @IdField('merchantId', { optional: true, description: 'Merchants: their own id only (another id answers an empty list)' }) merchantId?: string;
  @IdField('orderId', { optional: true, description: 'Emergency reports of one order' }) orderId?: string;
  @EnumField(['asc', 'desc'], { optional: true, default: 'asc', description: 'By filing time' }) order?: 'asc' | 'desc';
}

export class DelayCardListQuery extends DelayPageQuery {
  @EnumField(DELAY_CARD_STATUSES, { optional: true }) status?: (typeof DELAY_CARD_STATUSES)[number];
  @IdField('merchantId', { optional: true, description: 'Merchants: their own id only' }) merchantId?: string;
  @IdField('consumerId', { optional: true, description: 'Consumers: their own id only' }) consumerId?: string;
  @EnumField(['asc', 'desc'], { optional: true, default: 'asc', description: 'By sending time' }) order?: 'asc' | 'desc';
}
