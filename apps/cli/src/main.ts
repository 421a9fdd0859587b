#!/usr/bin/env node
/**
 * Operator commands. Run with `npm run cli -- <command> [options]`:
 *   token    --role <role> [--sub S] [--merchant-id M] [--consumer-id C] [--expires 12h]   mint a JWT (always with exp, at most AUTH_MAX_TOKEN_LIFETIME)
 *   rebuild  [--force] [--no-swap]                                                  rebuild every read model from the first event
 *   verify                                                                          verify every stream's hash chain and the Merkle log
 *   projections status | retry <name> | park <name>                                 poison events: report, retry, or skip one (recorded)
 * Settings come from the same environment variables as the service (EVENT_STORE, DATA_DIR, DATABASE_URL, ...).
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig, mintToken, ROLES, type Role } from '@app/config';

const USAGE = `usage: npm run cli -- <token|rebuild|verify|projections> [options]
  token   --role platform|merchant|consumer|adjudicator|auditor [--sub ID] [--merchant-id ID] [--consumer-id ID] [--expires 12h]
  rebuild [--force] [--no-swap]
  verify
  projections status | retry <name> | park <name>`;

/** '90s', '30m', '2h', '1d' (or a bare number of seconds) → seconds; null when unreadable. */
function durationSeconds(s: string): number | null {
  const m = /^(\d+)\s*(s|m|h|d)?$/i.exec(s.trim());
  if (!m) return null;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

async function token(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'merchant-id': { type: 'string' },
      'consumer-id': { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
    strict: true,
  });
  const role = values.role as Role | undefined;
  if (!role || !(ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
    return 2;
  }
  const merchantId = values['merchant-id'];
  const consumerId = values['consumer-id'];
  if (role === 'merchant' && !merchantId) {
    process.stderr.write('a merchant token needs --merchant-id\n');
    return 2;
  }
  if (role === 'consumer' && !consumerId) {
    process.stderr.write('a consumer token needs --consumer-id\n');
    return 2;
  }
  const config = loadConfig();
  const lifetimeS = durationSeconds(values.expires);
  const maxS = Math.floor(config.AUTH_MAX_TOKEN_LIFETIME.ms / 1000);
  if (lifetimeS === null || lifetimeS <= 0) {
    process.stderr.write(`--expires must be a positive duration such as 30m, 2h or 12h (got "${values.expires}")\n`);
    return 2;
  }
  if (lifetimeS > maxS) {
    process.stderr.write(`--expires ${values.expires} is longer than the maximum token lifetime the service accepts (AUTH_MAX_TOKEN_LIFETIME=${config.AUTH_MAX_TOKEN_LIFETIME.iso}, ${maxS} s)\n`);
    return 2;
  }
  const sub = values.sub ?? merchantId ?? consumerId ?? `${role}-dev`;
  const jwt = await mintToken(
    config.AUTH_JWT_SECRET,
    { sub, role, ...(role === 'merchant' ? { merchantId } : {}), ...(role === 'consumer' ? { consumerId } : {}) },
    `${lifetimeS}s`,
  );
  process.stdout.write(jwt + '\n');
  if (config.authSecretIsDefault) process.stderr.write('(signed with the development secret: AUTH_JWT_SECRET is not set)\n');
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  switch (command) {
    case 'token':
      return token(rest);
    case 'rebuild':
      return (await import('./rebuild')).rebuild(rest);
    case 'verify':
      return (await import('./verify')).verifyAll(rest);
    case 'projections':
      return (await import('./projections')).projections(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      process.stderr.write(USAGE + '\n');
      return command ? 2 : 0;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    // An unknown or malformed option (node:util parseArgs): say which, show the usage, exit 2 — no stack trace.
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
