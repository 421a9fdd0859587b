import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ProblemException } from '../http/problem';

export const ROLES = ['platform', 'merchant', 'consumer', 'adjudicator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

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
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  if (!req.actor) throw new ProblemException(401, 'UNAUTHENTICATED', 'A bearer token is required.');
  return req.actor;
});

@Injectable()
export class TokenVerifier {
  private readonly key: Uint8Array;
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = new TextEncoder().encode(config.AUTH_JWT_SECRET);
  }

  /** Verifies an HS256 JWT (signature, alg, exp/nbf when present) and maps its claims to an Actor. */
  async verify(token: string): Promise<Actor> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], clockTolerance: 5 }));
    } catch (e) {
      const detail =
        e instanceof joseErrors.JWTExpired
          ? 'The token has expired.'
          : e instanceof joseErrors.JOSEAlgNotAllowed
            ? 'The token must be signed with HS256.'
            : 'The token is malformed or its signature is invalid.';
      throw new ProblemException(401, 'INVALID_TOKEN', detail);
    }
    const { sub, role, merchantId, consumerId } = payload;
    if (typeof sub !== 'string' || sub.length === 0) throw new ProblemException(401, 'INVALID_TOKEN', 'The token has no subject (sub).');
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new ProblemException(401, 'INVALID_TOKEN', `The token's role must be one of ${ROLES.join(', ')}.`);
    }
    const actor: Actor = { sub, role: role as Role };
    if (role === 'merchant') {
      if (typeof merchantId !== 'string' || !merchantId) throw new ProblemException(401, 'INVALID_TOKEN', 'A merchant token must carry merchantId.');
      actor.merchantId = merchantId;
    }
    if (role === 'consumer') {
      if (typeof consumerId !== 'string' || !consumerId) throw new ProblemException(401, 'INVALID_TOKEN', 'A consumer token must carry consumerId.');
      actor.consumerId = consumerId;
    }
    return actor;
  }
}

/** Mints a development token (used by the CLI and the tests). */
export async function mintToken(secret: string, claims: { sub: string; role: Role; merchantId?: string; consumerId?: string }, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
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
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) throw new ProblemException(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <JWT>.');
    req.actor = await this.verifier.verify(m[1]);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || !roles.includes(req.actor.role)) {
      throw new ProblemException(403, 'FORBIDDEN_ROLE', `The role ${req.actor.role} may not do this.`);
    }
    return true;
  }
}
