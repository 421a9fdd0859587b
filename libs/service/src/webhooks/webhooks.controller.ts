import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryListDto,
  PageQuery,
  RedeliveryDto,
  RotatedSecretDto,
  WebhookDto,
  WebhookEventDto,
  WebhookIdParam,
  WebhookListDto,
  WebhookMessageParam,
} from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiExtraModels(WebhookEventDto)
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(201)
  @Roles('merchant', 'platform')
  @ApiOperation({
    summary: "Register an endpoint (merchant: its own cases; platform: every case). The secret is shown only in this answer.",
    description: 'Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); the body is a WebhookEvent.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  create(@Body() dto: CreateWebhookDto, @CurrentActor() actor: Actor) {
    return this.webhooks.create(dto, actor);
  }

  @Get()
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'Endpoints the caller may see (a merchant its own, the platform every one)' })
  @ApiOkResponse({ type: WebhookListDto })
  list(@Query() q: PageQuery, @CurrentActor() actor: Actor) {
    return this.webhooks.list(actor, q.cursor, q.limit);
  }

  @Get(':id')
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'One endpoint (without its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  get(@Param() p: WebhookIdParam, @CurrentActor() actor: Actor) {
    return this.webhooks.get(p.id, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'Delete an endpoint (its pending messages are dropped)' })
  @ApiNoContentResponse()
  async remove(@Param() p: WebhookIdParam, @CurrentActor() actor: Actor) {
    await this.webhooks.remove(p.id, actor);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'New secret; the previous one still signs (a second v1 signature) for WEBHOOK_SECRET_OVERLAP' })
  @ApiOkResponse({ type: RotatedSecretDto })
  rotate(@Param() p: WebhookIdParam, @CurrentActor() actor: Actor) {
    return this.webhooks.rotate(p.id, actor);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'Enable a disabled endpoint again' })
  @ApiOkResponse({ type: WebhookDto })
  enable(@Param() p: WebhookIdParam, @CurrentActor() actor: Actor) {
    return this.webhooks.enable(p.id, actor);
  }

  @Get(':id/deliveries')
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'The delivery log: every attempt, newest first' })
  @ApiOkResponse({ type: DeliveryListDto })
  deliveries(@Param() p: WebhookIdParam, @Query() q: PageQuery, @CurrentActor() actor: Actor) {
    return this.webhooks.deliveries(p.id, actor, q.cursor, q.limit);
  }

  @Post(':id/messages/:messageId/redeliver')
  @HttpCode(202)
  @Roles('merchant', 'platform')
  @ApiOperation({ summary: 'Send one message again now (the same webhook-id)' })
  @ApiAcceptedResponse({ type: RedeliveryDto })
  redeliver(@Param() p: WebhookMessageParam, @CurrentActor() actor: Actor) {
    return this.webhooks.redeliver(p.id, p.messageId, actor);
  }
}
