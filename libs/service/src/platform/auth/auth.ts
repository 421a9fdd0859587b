import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { APP_CONFIG, ROLES, type AppConfig, type Role } from '@app/config';
import { ProblemException } from '../http/problem';

// The roles (and token minting) live in @app/config, shared with the CLI and the benchmarks.
export { ROLES, type Role };

/** Who acts: taken from a verified JWT. Every recorded event names it in its metadata. */
export interface Actor {
  sub: string;
  role: Role;
  merchantId?: string;
  consumerId?: string;
}

const ROLES_KEY = 'dispute:roles';
const PUBLIC_KEY = 'dispute:public';
/** Only these roles may call the route. Routes without @Roles or @Public are denied to everyone. */
// Also published in the OpenAPI document as the operation's `x-roles` (read by clients and the fuzz test).
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));
/** No token needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The realm named in WWW-Authenticate challenges. */
export const AUTH_REALM = 'dispute-service';

/**
 * A 401 (or 403) problem carrying the RFC 6750 challenge: `Bearer realm="…"` alone when no credentials were
 * sent (§3.1: no error code then), with `error="invalid_token"` / `"insufficient_scope"` and a description
 * otherwise.
 */
export function authProblem(status: 401 | 403, code: string, detail: string, error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request'): ProblemException {
  const attrs = [`realm="${AUTH_REALM}"`];
  if (error) attrs.push(`error="${error}"`, `error_description="${detail.replace(/["\\]/g, "'")}"`);
  return new ProblemException(status, code, detail).withHeaders({ 'www-authenticate': `Bearer ${attrs.join(', ')}` });
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  if (!req.actor) throw authProblem(401, 'UNAUTHENTICATED', 'A bearer token is required.');
  return req.actor;
});

/** The bearer token of a request, or null when there is no `Authorization: Bearer …` header; undefined when the header is malformed. */
export function bearerToken(req: { headers: Record<string, string | string[] | undefined> }): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1] : undefined;
}

const CLOCK_TOLERANCE_S = 5;
const invalidToken = (detail: string) => authProblem(401, 'INVALID_TOKEN', detail, 'invalid_token');

/** Verified tokens remembered (LRU), so a caller's every request does not pay for the HMAC and the claim checks again. */
const VERIFIED_CACHE_SIZE = 10_000;

@Injectable()
export class TokenVerifier {
  private readonly key: KeyObject;
  private readonly maxLifetimeS: number;
  /** token (the whole compact JWS, signature included) → its actor and expiry; only tokens that verified. */
  private readonly verified = new Map<string, { actor: Actor; exp: number }>();
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // A KeyObject made once: given raw bytes, jose would import the key again on every verification.
    this.key = createSecretKey(new TextEncoder().encode(config.AUTH_JWT_SECRET));
    this.maxLifetimeS = Math.floor(config.AUTH_MAX_TOKEN_LIFETIME.ms / 1000);
  }

  /**
   * Verifies an HS256 JWT (signature, alg, nbf, and a required exp no further ahead than
   * AUTH_MAX_TOKEN_LIFETIME) and maps its claims to an Actor. Every refusal is a 401 with a challenge.
   * A token that verified is remembered until it expires: the same string carries the same signature and
   * claims, and of the checks only expiry depends on the time (nbf was already past, and the lifetime check
   * only gets easier), so a remembered token is checked for expiry alone, exactly as jose checks it.
   */
  async verify(token: string): Promise<Actor> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > Math.floor(Date.now() / 1000) - CLOCK_TOLERANCE_S) return { ...known.actor };
      this.verified.delete(token);
    }
    const { actor, exp } = await this.verifyNow(token);
    this.verified.set(token, { actor: { ...actor }, exp });
    if (this.verified.size > VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    return actor;
  }

  private async verifyNow(token: string): Promise<{ actor: Actor; exp: number }> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['exp'] }));
    } catch (e) {
      const detail =
        e instanceof joseErrors.JWTExpired
          ? 'The token has expired.'
          : e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp'
            ? 'The token must carry an expiry (exp).'
            : e instanceof joseErrors.JOSEAlgNotAllowed
              ? 'The token must be signed with HS256.'
              : 'The token is malformed or its signature is invalid.';
      throw invalidToken(detail);
    }
    const exp = payload.exp as number;
    if (exp - Math.floor(Date.now() / 1000) > this.maxLifetimeS + CLOCK_TOLERANCE_S) {
      throw invalidToken(`The token's expiry (exp) is further ahead than the maximum token lifetime of ${this.maxLifetimeS} s (AUTH_MAX_TOKEN_LIFETIME).`);
    }
    const { sub, role, merchantId, consumerId } = payload;
    if (typeof sub !== 'string' || sub.length === 0) throw invalidToken('The token has no subject (sub).');
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw invalidToken(`The token's role must be one of ${ROLES.join(', ')}.`);
    }
    const actor: Actor = { sub, role: role as Role };
    if (role === 'merchant') {
      if (typeof merchantId !== 'string' || !merchantId) throw invalidToken('A merchant token must carry merchantId.');
      actor.merchantId = merchantId;
    }
    if (role === 'consumer') {
      if (typeof consumerId !== 'string' || !consumerId) throw invalidToken('A consumer token must carry consumerId.');
      actor.consumerId = consumerId;
    }
    return { actor, exp };
  }
}

/** Global guard: authenticate every non-public route, then check its @Roles (deny by default). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const token = bearerToken(req);
    if (token === null) throw authProblem(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <JWT>.');
    if (token === undefined) throw authProblem(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <JWT>.', 'invalid_request');
    req.actor = await this.verifier.verify(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(req.actor.role)) {
      throw authProblem(403, 'FORBIDDEN_ROLE', `The role ${req.actor.role} may not do this.`, 'insufficient_scope');
    }
    return true;
  }
}
