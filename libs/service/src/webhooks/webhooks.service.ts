import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Actor } from '../platform/auth/auth';
import { notFound } from '../platform/auth/tenancy';
import { ProblemException } from '../platform/http/problem';
import { WEBHOOK_EVENT_TYPES } from './event-types';
import { urlProblem } from './safe-http';
import { WebhookDeliveryService } from './webhook-delivery.service';
import type { EndpointRow } from './webhook-store';
import { ENDPOINT_COLUMNS } from './webhook-store';
import type { CreateWebhookDto, CreatedWebhookDto, DeliveryAttemptDto, RotatedSecretDto, WebhookDto } from './webhooks.dto';

const DEFAULT_LIMIT = 50;

/** whsec_ + base64 of 32 random bytes (the Standard Webhooks secret format). */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Time-ordered ids: wh_ + 10 base-36 digits of milliseconds + 16 hex digits of randomness. */
function newWebhookId(): string {
  return `wh_${Date.now().toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;
}

/**
 * Webhook registrations: a merchant registers endpoints for its own cases and sees only those; the platform
 * registers endpoints for every case and sees every endpoint. Another merchant's endpoint answers 404.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly delivery: WebhookDeliveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get db() {
    return this.delivery.store.db;
  }

  view(r: EndpointRow): WebhookDto {
    const rotating = r.previous_expires_at && Date.parse(r.previous_expires_at) > Date.now();
    return {
      webhookId: r.id,
      url: r.url,
      eventTypes: r.event_types,
      status: r.status,
      scope: r.merchant_id === null ? 'PLATFORM' : 'MERCHANT',
      ...(r.merchant_id !== null ? { merchantId: r.merchant_id } : {}),
      ...(r.description !== null ? { description: r.description } : {}),
      ...(r.disabled_reason !== null ? { disabledReason: r.disabled_reason } : {}),
      ...(rotating ? { previousSecretExpiresAt: r.previous_expires_at! } : {}),
      createdAt: r.created_at,
    };
  }

  async create(dto: CreateWebhookDto, actor: Actor): Promise<CreatedWebhookDto> {
    let parsed: URL | null = null;
    try {
      parsed = new URL(dto.url);
    } catch {
      parsed = null;
    }
    if (!parsed) {
      throw new ProblemException(400, 'VALIDATION_FAILED', 'The request is invalid: url', { errors: [{ field: 'url', messages: ['url must be an absolute URL'] }] });
    }
    const problem = urlProblem(dto.url, this.config.WEBHOOK_ALLOW_PRIVATE);
    if (problem) {
      throw new ProblemException(422, 'WEBHOOK_URL_REFUSED', `The webhook url is refused: it ${problem}.`, { errors: [{ field: 'url', messages: [`url ${problem}`] }] });
    }
    const id = newWebhookId();
    const secret = newSecret();
    const eventTypes = dto.eventTypes ?? [...WEBHOOK_EVENT_TYPES];
    const merchantId = actor.role === 'merchant' ? actor.merchantId! : null;
    const { rows } = await this.db.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (id, merchant_id, created_by, url, event_types, description, secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${ENDPOINT_COLUMNS}`,
      [id, merchantId, `${actor.role}:${actor.sub}`, parsed.toString(), eventTypes, dto.description ?? null, secret],
    );
    return { ...this.view(rows[0]), secret };
  }

  /** The endpoint if the actor may see it, else 404. */
  async visible(id: string, actor: Actor): Promise<EndpointRow> {
    const ep = await this.delivery.store.endpoint(id);
    if (!ep || (actor.role === 'merchant' && ep.merchant_id !== actor.merchantId)) throw notFound('Webhook', id);
    return ep;
  }

  async get(id: string, actor: Actor): Promise<WebhookDto> {
    return this.view(await this.visible(id, actor));
  }

  async list(actor: Actor, cursor?: string, limit = DEFAULT_LIMIT): Promise<{ items: WebhookDto[]; nextCursor?: string }> {
    const { rows } = await this.db.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
       WHERE ($1::text IS NULL OR merchant_id = $1) AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [actor.role === 'merchant' ? actor.merchantId : null, cursor ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => this.view(r));
    return rows.length > limit ? { items, nextCursor: rows[limit - 1].id } : { items };
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await this.visible(id, actor);
    await this.db.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
  }

  /**
   * A new secret; the previous one keeps signing too (two `v1,` signatures per delivery) for
   * WEBHOOK_SECRET_OVERLAP, so receivers can switch without dropping a message.
   */
  async rotate(id: string, actor: Actor): Promise<RotatedSecretDto> {
    await this.visible(id, actor);
    const secret = newSecret();
    const until = new Date(Date.now() + this.config.WEBHOOK_SECRET_OVERLAP.ms).toISOString();
    await this.db.query(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_expires_at = $2, secret = $3, updated_at = now() WHERE id = $1`,
      [id, until, secret],
    );
    return { webhookId: id, secret, previousSecretExpiresAt: until };
  }

  /** Enables a disabled endpoint again (its messages still pending are sent again). */
  async enable(id: string, actor: Actor): Promise<WebhookDto> {
    await this.visible(id, actor);
    await this.db.query(`UPDATE webhook_endpoints SET status = 'ENABLED', disabled_reason = NULL, failing_since = NULL, updated_at = now() WHERE id = $1`, [id]);
    this.delivery.sender.wake();
    return this.get(id, actor);
  }

  async deliveries(id: string, actor: Actor, cursor?: string, limit = DEFAULT_LIMIT): Promise<{ items: DeliveryAttemptDto[]; nextCursor?: string }> {
    await this.visible(id, actor);
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) {
      throw new ProblemException(400, 'VALIDATION_FAILED', 'The request is invalid: cursor', { errors: [{ field: 'cursor', messages: ['cursor is malformed'] }] });
    }
    const rows = await this.delivery.store.attempts(id, limit + 1, cursor);
    const items = rows.slice(0, limit).map((a) => ({
      webhookMessageId: a.message_id,
      eventType: a.event_type,
      attempt: a.attempt,
      status: a.status,
      ...(a.response_status !== null ? { responseStatus: a.response_status } : {}),
      durationMs: a.duration_ms,
      at: a.at,
      ...(a.error !== null ? { error: a.error } : {}),
    }));
    return rows.length > limit ? { items, nextCursor: rows[limit - 1].id } : { items };
  }

  /** Sends one message again (same webhook-id), now, with a fresh retry period. */
  async redeliver(id: string, messageId: string, actor: Actor): Promise<{ webhookMessageId: string; state: 'PENDING' }> {
    const ep = await this.visible(id, actor);
    const m = await this.delivery.store.message(id, messageId);
    if (!m) throw notFound('Webhook message', messageId);
    if (ep.status !== 'ENABLED') {
      throw new ProblemException(409, 'WEBHOOK_DISABLED', `Webhook ${id} is disabled (${ep.disabled_reason ?? 'disabled'}); enable it first.`);
    }
    await this.db.query(
      `UPDATE webhook_messages SET state = 'PENDING', next_attempt_at = now(), first_attempt_at = NULL, delivered_at = NULL WHERE id = $1`,
      [messageId],
    );
    this.delivery.sender.wake();
    return { webhookMessageId: messageId, state: 'PENDING' };
  }
}
