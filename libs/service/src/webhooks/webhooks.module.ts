import { Module } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks (Standard Webhooks): registrations, the fan-out subscription from the event log into a durable
 * outbox, the partitioned senders with retries, the delivery log and metrics. Uses the global
 * CoreModule / PersistenceModule providers.
 */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDeliveryService],
  exports: [WebhooksService, WebhookDeliveryService],
})
export class WebhooksModule {}
