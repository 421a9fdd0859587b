import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ProblemException } from './problem';

type RouteArgs = Record<string, { data?: unknown }>;
const routeArgs = (controller: object, handler: string): RouteArgs => (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as RouteArgs;
const ofType = (args: RouteArgs, type: RouteParamtypes) => Object.entries(args).filter(([k]) => k.split(':')[0] === String(type)).map(([, v]) => v);

/** Whether a handler declares a @Body() parameter (Nest's own route-argument metadata). */
export function takesBody(controller: object, handler: string): boolean {
  return ofType(routeArgs(controller, handler), RouteParamtypes.BODY).length > 0;
}

/** The query parameters a handler takes: 'any' for a whole-query DTO (@Query() q: SomeQuery, validated there), else the @Query('name') names. */
export function queryNames(controller: object, handler: string): 'any' | Set<string> {
  const q = ofType(routeArgs(controller, handler), RouteParamtypes.QUERY);
  if (q.some((a) => a.data === undefined)) return 'any';
  return new Set(q.map((a) => String(a.data)));
}

function isEmpty(body: unknown): boolean {
  return body === undefined || body === '' || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}

/**
 * Global: a route whose handler takes no @Body() refuses a non-empty body (400 BODY_NOT_ALLOWED) instead
 * of silently ignoring it (no body, an empty body and `{}` are accepted), and a route refuses query
 * parameters it does not take (400 UNKNOWN_QUERY_PARAMETER; whole-query DTOs refuse them in validation).
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http') {
      const req = ctx.switchToHttp().getRequest<FastifyRequest>();
      if (!isEmpty(req.body) && !takesBody(ctx.getClass(), ctx.getHandler().name)) {
        throw new ProblemException(400, 'BODY_NOT_ALLOWED', `${req.method} ${req.routeOptions?.url ?? req.url} takes no request body; send none.`, {
          errors: [{ field: 'body', messages: ['must be empty'] }],
        });
      }
      const query = req.query && typeof req.query === 'object' ? Object.keys(req.query) : [];
      if (query.length) {
        const names = queryNames(ctx.getClass(), ctx.getHandler().name);
        const unknown = names === 'any' ? [] : query.filter((k) => !names.has(k));
        if (unknown.length) {
          throw new ProblemException(400, 'UNKNOWN_QUERY_PARAMETER', `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 20).join(', ')}.`, {
            errors: unknown.slice(0, 20).map((field) => ({ field, messages: ['is not a parameter of this operation'] })),
          });
        }
      }
    }
    return next.handle();
  }
}
