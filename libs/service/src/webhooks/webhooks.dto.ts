import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { IntField, PatternField } from '../platform/validation/fields';

export class CreateWebhookDto {
  @ApiProperty({ description: 'https URL of a public host (http and private addresses only with WEBHOOK_ALLOW_PRIVATE=true)', example: 'https://merchant.example/hooks/disputes' })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  url!: string;
  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Defaults to every type' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: `each value in eventTypes must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  eventTypes?: (typeof WEBHOOK_EVENT_TYPES)[number][];
  @ApiPropertyOptional({ example: 'ERP integration' }) @IsOptional() @IsString() @MaxLength(500) description?: string;
}

const WEBHOOK_ID = /^wh_[a-z0-9]{1,64}$/;
const MESSAGE_ID = /^msg_[a-f0-9]{32}$/;

export class WebhookIdParam {
  @PatternField(WEBHOOK_ID, 'id must be a webhook id (wh_…)', { maxLength: 67, description: 'Webhook id', example: 'wh_0m3z9q1c4f2a9e7b1d' }) id!: string;
}

export class WebhookMessageParam extends WebhookIdParam {
  @PatternField(MESSAGE_ID, 'messageId must be a webhook message id (msg_…)', { maxLength: 36, description: 'Webhook message id' }) messageId!: string;
}

export class PageQuery {
  @PatternField(/^[A-Za-z0-9_]+$/, 'cursor is malformed', { optional: true, maxLength: 128, description: 'nextCursor of the previous page' }) cursor?: string;
  @IntField({ optional: true, query: true, min: 1, max: 200, default: 50, description: 'Page size' }) limit?: number;
}

export class WebhookDto {
  @ApiProperty({ example: 'wh_0m3z9q1c4f2a9e7b1d' }) webhookId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty({ enum: ['ENABLED', 'DISABLED'] }) status!: 'ENABLED' | 'DISABLED';
  @ApiProperty({ enum: ['MERCHANT', 'PLATFORM'], description: "MERCHANT: the merchant's own cases; PLATFORM: every case" }) scope!: 'MERCHANT' | 'PLATFORM';
  @ApiPropertyOptional() merchantId?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ description: 'Why the endpoint was disabled (410 answer, or failing for WEBHOOK_RETRY_FOR)' }) disabledReason?: string;
  @ApiPropertyOptional({ description: 'While a rotation overlaps: until when the previous secret still signs too' }) previousSecretExpiresAt?: string;
  @ApiProperty() createdAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'whsec_ + base64: shown only in this answer (and in a rotation\'s)', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] }) items!: WebhookDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class RotatedSecretDto {
  @ApiProperty() webhookId!: string;
  @ApiProperty({ description: 'The new secret (whsec_ + base64), shown only here' }) secret!: string;
  @ApiProperty({ description: 'Until then deliveries carry signatures with both the new and the previous secret' }) previousSecretExpiresAt!: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ description: 'The webhook-id header: the same on every attempt of one message' }) webhookMessageId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) eventType!: string;
  @ApiProperty({ description: '1 for the first attempt of the message' }) attempt!: number;
  @ApiProperty({ enum: ['SUCCEEDED', 'FAILED'] }) status!: 'SUCCEEDED' | 'FAILED';
  @ApiPropertyOptional({ description: 'HTTP status answered (absent when no answer came: refused, timeout, network error)' }) responseStatus?: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty() at!: string;
  @ApiPropertyOptional({ description: 'What went wrong' }) error?: string;
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryAttemptDto] }) items!: DeliveryAttemptDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class RedeliveryDto {
  @ApiProperty() webhookMessageId!: string;
  @ApiProperty({ enum: ['PENDING'] }) state!: 'PENDING';
}

/** The body POSTed to endpoints (documented here so the typed client has it). */
export class WebhookEventDataDto {
  @ApiProperty() disputeId!: string;
  @ApiProperty() merchantId!: string;
  @ApiProperty({ description: 'The event stream of the case' }) stream!: string;
  @ApiProperty({ description: 'Revision of the event in the stream (0-based)' }) revision!: number;
  @ApiProperty({ description: 'Position of the event in the global log' }) position!: string;
  @ApiProperty({ description: 'The recorded event type, e.g. OptionChosen' }) eventType!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The case as GET /disputes/{id}?at=<revision> shows it after the event' })
  dispute!: Record<string, unknown>;
}

export class WebhookEventDto {
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type!: string;
  @ApiProperty({ description: 'When the event was recorded' }) timestamp!: string;
  @ApiProperty({ type: WebhookEventDataDto }) data!: WebhookEventDataDto;
}
