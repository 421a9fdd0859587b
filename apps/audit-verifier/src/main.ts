#!/usr/bin/env node
/**
 * audit-verifier — checks the dispute service's Merkle log proofs without trusting the server.
 * It trusts only the pinned Ed25519 public key(s) and, for consistency, the old checkpoint the
 * auditor kept. All verification logic lives in @app/audit (pure); this file only does I/O.
 *
 *   audit-verifier verify-inclusion   --checkpoint cp.json --proof proof.json [--event event.json] --public-key KEY
 *   audit-verifier verify-consistency --old cp1.json --new cp2.json --proof proof.json --public-key KEY
 *   audit-verifier verify-inclusion   --url http://host:port [--token JWT] (--event event.json | --event-id ID) --public-key KEY
 *   audit-verifier verify-consistency --url http://host:port [--token JWT] --old cp1.json [--save cp2.json] --public-key KEY
 *   audit-verifier verify-checkpoint  (--checkpoint cp.json | --url …) --public-key KEY
 *
 * KEY: a file (SPKI PEM, raw base64) or the value itself (base64 or hex of the raw 32-byte key, or PEM
 * text given as --public-key="$(cat key.pem)" — the = form, since PEM starts with a dash).
 * Repeat --public-key to pin several keys (rotation). --token defaults to $AUDIT_TOKEN.
 * Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  parseCheckpoint,
  parseInclusionProof,
  parsePublicKey,
  verifyCheckpoint,
  verifyConsistencyBundle,
  verifyInclusionBundle,
  type VerificationReport,
} from '@app/audit';

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_ERROR = 2;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  fetch: typeof fetch;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  fetch: (...a) => fetch(...a),
  env: process.env,
};

const USAGE = `usage:
  audit-verifier verify-inclusion   --checkpoint cp.json --proof proof.json [--event event.json] --public-key KEY
  audit-verifier verify-inclusion   --url URL [--token JWT] (--event event.json | --event-id ID) [--checkpoint cp.json] --public-key KEY
  audit-verifier verify-consistency --old cp1.json --new cp2.json --proof proof.json --public-key KEY
  audit-verifier verify-consistency --url URL [--token JWT] --old cp1.json [--save cp2.json] --public-key KEY
  audit-verifier verify-checkpoint  (--checkpoint cp.json | --url URL [--token JWT]) --public-key KEY
options: --json (print the report as JSON), --origin NAME (default dispute-service/merkle)
exit status: 0 valid, 1 invalid, 2 usage or I/O error`;

class UsageError extends Error {}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${what} ${path} is not JSON: ${(e as Error).message}`);
  }
}

function loadKeys(values: string[] | undefined): KeyObject[] {
  if (!values || values.length === 0) throw new UsageError('--public-key is required (the key you pinned; the server is not trusted for it)');
  return values.map((v) => {
    const text = !v.includes('-----BEGIN') && existsSync(v) ? readFileSync(v, 'utf8') : v;
    try {
      return parsePublicKey(text);
    } catch (e) {
      throw new UsageError(`bad --public-key ${v.length > 60 ? v.slice(0, 57) + '...' : v}: ${(e as Error).message}`);
    }
  });
}

class Server {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
    private readonly io: CliIo,
  ) {}

  async get(path: string, query: Record<string, string | number | undefined> = {}): Promise<unknown> {
    const url = new URL(path.replace(/^\//, ''), this.base.endsWith('/') ? this.base : this.base + '/');
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await this.io.fetch(url, { headers: { accept: 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) } });
    } catch (e) {
      throw new UsageError(`GET ${url.href} failed: ${(e as Error).message}`);
    }
    const body = await res.text();
    if (!res.ok) throw new UsageError(`GET ${url.href} → HTTP ${res.status}: ${body.slice(0, 500)}`);
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new UsageError(`GET ${url.href} did not return JSON`);
    }
  }
}

function print(io: CliIo, report: VerificationReport, asJson: boolean): number {
  if (asJson) io.out(JSON.stringify(report, null, 2));
  else {
    for (const s of report.steps) io.out(`${s.ok ? '  ok  ' : '  FAIL'} ${s.check}: ${s.detail}`);
    io.out(report.summary);
  }
  return report.valid ? EXIT_VALID : EXIT_INVALID;
}

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        checkpoint: { type: 'string' },
        proof: { type: 'string' },
        event: { type: 'string' },
        'event-id': { type: 'string' },
        old: { type: 'string' },
        new: { type: 'string' },
        save: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        'public-key': { type: 'string', multiple: true },
        origin: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return EXIT_ERROR;
  }
  const { values: o, positionals } = parsed;
  const command = positionals[0];
  if (o.help || !command) {
    (o.help ? io.out : io.err)(USAGE);
    return o.help ? EXIT_VALID : EXIT_ERROR;
  }
  try {
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const publicKeys = loadKeys(o['public-key']);
    const origin = o.origin;
    const server = o.url ? new Server(o.url, o.token ?? io.env.AUDIT_TOKEN, io) : undefined;

    switch (command) {
      case 'verify-checkpoint': {
        const cp = o.checkpoint ? readJson(o.checkpoint, 'checkpoint') : server ? await server.get('/audit/checkpoint') : undefined;
        if (cp === undefined) throw new UsageError('verify-checkpoint needs --checkpoint or --url');
        const v = verifyCheckpoint(cp, publicKeys, { origin });
        const summary = v.valid ? `VALID: checkpoint signed by pinned key ${v.keyId}` : `INVALID: ${v.reason}`;
        if (o.json) io.out(JSON.stringify({ valid: v.valid, summary, checkpoint: cp }, null, 2));
        else io.out(summary);
        return v.valid ? EXIT_VALID : EXIT_INVALID;
      }

      case 'verify-inclusion': {
        if (!server) {
          if (!o.checkpoint || !o.proof) throw new UsageError('verify-inclusion needs --checkpoint and --proof (or --url)');
          const event = o.event ? readJson(o.event, 'event') : undefined;
          return print(io, verifyInclusionBundle({ checkpoint: readJson(o.checkpoint, 'checkpoint'), proof: readJson(o.proof, 'proof'), event, publicKeys, origin }), o.json);
        }
        const fileEvent = o.event ? readJson(o.event, 'event') : undefined;
        const eventId = o['event-id'] ?? (fileEvent as { eventId?: unknown } | undefined)?.eventId;
        if (typeof eventId !== 'string') throw new UsageError('verify-inclusion --url needs --event-id or --event (with an eventId)');
        // The checkpoint fixes the tree size; its signature (not the server) is what is trusted.
        const checkpoint = o.checkpoint ? readJson(o.checkpoint, 'checkpoint') : await server.get('/audit/checkpoint');
        let size: number;
        try {
          size = parseCheckpoint(checkpoint).size;
        } catch (e) {
          return print(io, { valid: false, summary: `INVALID: ${(e as Error).message}`, steps: [] }, o.json);
        }
        const proof = await server.get('/audit/proofs/inclusion', { eventId, treeSize: size });
        let event = fileEvent;
        if (event === undefined) {
          // Fetch the event itself; it is checked against its hash and the signed tree, not trusted.
          try {
            const p = parseInclusionProof(proof);
            const page = (await server.get(`/streams/${encodeURIComponent(p.stream)}`, { from: p.revision, limit: 1 })) as { items?: unknown[] };
            event = Array.isArray(page.items) ? page.items[0] : undefined;
            if (event === undefined) throw new UsageError(`the server returned no event at ${p.stream}@${p.revision}`);
          } catch (e) {
            if (e instanceof UsageError) throw e;
            // malformed proof: let the verifier report it
          }
        }
        return print(io, verifyInclusionBundle({ checkpoint, proof, event, publicKeys, origin }), o.json);
      }

      case 'verify-consistency': {
        if (!o.old) throw new UsageError('verify-consistency needs --old (the checkpoint you kept)');
        const oldCheckpoint = readJson(o.old, 'old checkpoint');
        if (!server) {
          if (!o.new || !o.proof) throw new UsageError('verify-consistency needs --new and --proof (or --url)');
          return print(io, verifyConsistencyBundle({ oldCheckpoint, newCheckpoint: readJson(o.new, 'new checkpoint'), proof: readJson(o.proof, 'proof'), publicKeys, origin }), o.json);
        }
        const newCheckpoint = o.new ? readJson(o.new, 'new checkpoint') : await server.get('/audit/checkpoint');
        let from: number;
        let to: number;
        try {
          from = parseCheckpoint(oldCheckpoint).size;
          to = parseCheckpoint(newCheckpoint).size;
        } catch (e) {
          return print(io, { valid: false, summary: `INVALID: ${(e as Error).message}`, steps: [] }, o.json);
        }
        const proof = to >= from ? await server.get('/audit/proofs/consistency', { from, to }) : { fromSize: from, toSize: to, path: [] };
        const report = verifyConsistencyBundle({ oldCheckpoint, newCheckpoint, proof, publicKeys, origin });
        const code = print(io, report, o.json);
        if (report.valid && o.save) {
          writeFileSync(o.save, JSON.stringify(newCheckpoint, null, 2) + '\n');
          if (!o.json) io.out(`saved the verified checkpoint to ${o.save}`);
        }
        return code;
      }

      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`audit-verifier: ${e.message}`);
      return EXIT_ERROR;
    }
    io.err(`audit-verifier: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
