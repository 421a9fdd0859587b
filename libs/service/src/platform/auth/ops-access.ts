import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { authProblem, bearerToken, TokenVerifier, type Role } from './auth';

/** A request as far as access is concerned: its headers (a Fastify request or a node:http one). */
type HeaderCarrier = Parameters<typeof bearerToken>[0];

/** Roles whose JWT opens the operational details (readiness details, /metrics). */
export const OPS_ROLES: readonly Role[] = ['platform', 'auditor'];

/**
 * Who may read operational internals (readiness details, /metrics): a bearer JWT of a platform or auditor
 * caller, or the static OPS_TOKEN when it is set (for scrapers that cannot mint JWTs).
 */
@Injectable()
export class OpsAccess {
  private readonly opsToken: Buffer | null;
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly verifier: TokenVerifier,
  ) {
    this.opsToken = config.OPS_TOKEN ? Buffer.from(config.OPS_TOKEN) : null;
  }

  /** True when `token` is the configured OPS_TOKEN (constant-time comparison). */
  isOpsToken(token: string): boolean {
    if (!this.opsToken) return false;
    const t = Buffer.from(token);
    return t.length === this.opsToken.length && timingSafeEqual(t, this.opsToken);
  }

  /**
   * false: no credentials were sent; true: ops credentials. A bad token is a 401, a JWT of another role a 403
   * (both with a WWW-Authenticate challenge), never a silent downgrade.
   */
  async check(req: HeaderCarrier): Promise<boolean> {
    const token = bearerToken(req);
    if (token === null) return false;
    if (token === undefined) throw authProblem(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <token>.', 'invalid_request');
    if (this.isOpsToken(token)) return true;
    const actor = await this.verifier.verify(token);
    if (!OPS_ROLES.includes(actor.role)) {
      throw authProblem(403, 'FORBIDDEN_ROLE', `Operational details need a ${OPS_ROLES.join(' or ')} token or OPS_TOKEN; the role ${actor.role} may not read them.`, 'insufficient_scope');
    }
    return true;
  }

  /** Like check, but no credentials is a 401 too. */
  async require(req: HeaderCarrier): Promise<void> {
    if (!(await this.check(req))) {
      throw authProblem(401, 'UNAUTHENTICATED', `Send Authorization: Bearer <${OPS_ROLES.join(' or ')} JWT, or OPS_TOKEN>.`);
    }
  }
}
