/**
 * Serves the web console (apps/console, built by Vite into dist/console) under /console:
 *  - /console/assets/* — the hashed scripts, styles and fonts (@fastify/static, cached for a year);
 *  - /console and its deep links (/console/queue, /console/cases/{id}, /console/merchants/{id},
 *    /console/streams/{stream}, /console/events, /console/simulations) — index.html, never cached;
 *  - every /console answer carries a strict Content-Security-Policy: scripts, styles, fonts and
 *    connections from this origin only, no inline script or style, no framing, no plugins.
 * The console calls only the public API with the bearer token typed in by its user; it holds no secret.
 */
import { Controller, Get, Module, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProblemException, Public } from '@app/service';

/** dist/apps/api/src/console → dist/console (where `vite build` writes the console). */
export const CONSOLE_DIR = process.env.CONSOLE_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'console');

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;

let indexCache: { mtimeMs: number; html: string } | null = null;
function indexHtml(): string {
  const file = path.join(CONSOLE_DIR, 'index.html');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ProblemException(503, 'CONSOLE_NOT_BUILT', 'The console has not been built: run `npm run build` (it runs `vite build` for apps/console).');
  }
  if (!indexCache || indexCache.mtimeMs !== stat.mtimeMs) indexCache = { mtimeMs: stat.mtimeMs, html: fs.readFileSync(file, 'utf8') };
  return indexCache.html;
}

@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private page(reply: FastifyReply, ...segments: (string | undefined)[]): string {
    for (const s of segments) if (s !== undefined && !PATH_SEGMENT.test(s)) throw new ProblemException(404, 'NOT_FOUND', 'No such console page.');
    void reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache');
    return indexHtml();
  }

  @Public() @Get() root(@Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r);
  }
  @Public() @Get('queue') queue(@Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r);
  }
  @Public() @Get('events') events(@Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r);
  }
  @Public() @Get('simulations') simulations(@Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r);
  }
  @Public() @Get('cases/:id') case(@Param('id') id: string, @Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r, id);
  }
  @Public() @Get('merchants/:id') merchant(@Param('id') id: string, @Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r, id);
  }
  @Public() @Get('streams/:stream') stream(@Param('stream') stream: string, @Res({ passthrough: true }) r: FastifyReply) {
    return this.page(r, stream);
  }
}

@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}

/** Static assets and the security headers of every /console answer (call before app.init()). */
export async function registerConsole(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply) => {
    if (req.url === '/console' || req.url.startsWith('/console/') || req.url.startsWith('/console?')) {
      void reply
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('x-frame-options', 'DENY')
        .header('cross-origin-opener-policy', 'same-origin');
    }
  });
  await app.register(fastifyStatic as any, {
    root: path.join(CONSOLE_DIR, 'assets'),
    prefix: '/console/assets/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    immutable: true,
    maxAge: '365d',
  });
}
