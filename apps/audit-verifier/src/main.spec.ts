import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@app/event-store';
import { Ed25519CheckpointSigner, MerkleLog, MerkleLogError, type Checkpoint } from '@app/audit';
import { createTestDb, type TestDb } from '@app/audit/test-support/pglite';
import { flipByte, interleave, makeStream } from '@app/audit/test-support/make-events';
import { EXIT_ERROR, EXIT_INVALID, EXIT_VALID, run, type CliIo } from './main';

jest.setTimeout(60_000);

const TOKEN = 'test-token';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), fetch: (...a) => fetch(...a), env: {} };
}

describe('audit-verifier CLI', () => {
  let db: TestDb;
  let log: MerkleLog;
  let server: Server;
  let url: string;
  let dir: string;
  const signer = Ed25519CheckpointSigner.generate();
  const pub = signer.exportPublicKey();
  const events: RecordedEvent[] = interleave(makeStream('d-1', 6), makeStream('d-2', 9), makeStream('d-3', 4));
  /** What the server serves for GET /streams (an insider may alter it). */
  let served: RecordedEvent[] = events.map((e) => ({ ...e }));
  let cp1: Checkpoint;
  let cp2: Checkpoint;
  const file = (name: string, value: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-verifier-'));
    db = await createTestDb();
    log = new MerkleLog(db);
    await log.migrate();
    await db.transaction((tx) => log.appendEvents(tx, events.slice(0, 11)));
    cp1 = await log.checkpoint(signer);
    await db.transaction((tx) => log.appendEvents(tx, events.slice(11)));
    cp2 = await log.checkpoint(signer);

    server = createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { title: 'Unauthorized' });
      const u = new URL(req.url ?? '/', 'http://x');
      const num = (k: string) => (u.searchParams.has(k) ? Number(u.searchParams.get(k)) : undefined);
      const handle = async (): Promise<unknown> => {
        if (u.pathname === '/audit/checkpoint') return log.latestCheckpoint();
        if (u.pathname === '/audit/proofs/inclusion') return log.inclusionProof(u.searchParams.get('eventId') ?? '', num('treeSize'));
        if (u.pathname === '/audit/proofs/consistency') return log.consistencyProof(num('from') ?? 0, num('to'));
        const m = /^\/streams\/([^/]+)$/.exec(u.pathname);
        if (m) {
          const stream = decodeURIComponent(m[1]);
          const from = num('from') ?? 0;
          return { items: served.filter((e) => e.stream === stream && e.revision >= from).slice(0, num('limit') ?? 100), nextCursor: null };
        }
        throw Object.assign(new Error('not found'), { status: 404 });
      };
      handle().then(
        (body) => send(200, body),
        (e: unknown) => send(e instanceof MerkleLogError ? (e.code === 'event-not-found' ? 404 : 400) : 500, { title: (e as Error).message }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  });

  describe('offline, from files', () => {
    it('verify-inclusion: accepts a genuine event and proof (key as PEM file, raw base64 or hex)', async () => {
      const proof = await log.inclusionProof(events[4].eventId, cp2.size);
      const keyFile = file('key.pem', pub.pem);
      for (const key of [keyFile, pub.raw, Buffer.from(pub.raw, 'base64').toString('hex')]) {
        const io = capture();
        const code = await run(['verify-inclusion', '--checkpoint', file('cp.json', cp2), '--proof', file('proof.json', proof), '--event', file('event.json', events[4]), '--public-key', key], io);
        expect({ code, errors: io.errors }).toEqual({ code: EXIT_VALID, errors: [] });
        expect(io.lines[io.lines.length - 1]).toMatch(/^VALID: event d-2-e1 \(stream d-2, revision 1\) is leaf 4 of the log of size 19/);
      }
    });

    it('verify-inclusion: a one-byte change of the event fails with exit 1, naming the check', async () => {
      const proof = await log.inclusionProof(events[4].eventId, cp2.size);
      const altered = { ...events[4], data: { ...events[4].data, text: flipByte(events[4].data.text as string) } };
      const io = capture();
      const code = await run(['verify-inclusion', '--checkpoint', file('cp.json', cp2), '--proof', file('proof.json', proof), '--event', file('event.json', altered), '--public-key', pub.raw], io);
      expect(code).toBe(EXIT_INVALID);
      expect(io.lines).toContainEqual(expect.stringMatching(/FAIL event-hash/));
      expect(io.lines[io.lines.length - 1]).toMatch(/^INVALID: .*altered/);
    });

    it('verify-consistency: accepts growth, rejects the reverse direction and a forged proof', async () => {
      const proof = await log.consistencyProof(cp1.size, cp2.size);
      const ok = capture();
      expect(await run(['verify-consistency', '--old', file('cp1.json', cp1), '--new', file('cp2.json', cp2), '--proof', file('p.json', proof), '--public-key', pub.raw], ok)).toBe(EXIT_VALID);
      expect(ok.lines[ok.lines.length - 1]).toMatch(/^VALID: the log only grew: size 11 .* size 19/);

      const back = capture();
      expect(await run(['verify-consistency', '--old', file('cp2.json', cp2), '--new', file('cp1.json', cp1), '--proof', file('p.json', proof), '--public-key', pub.raw], back)).toBe(EXIT_INVALID);
      expect(back.lines.join('\n')).toMatch(/shrank/);

      const forged = { ...proof, path: proof.path.map((h, i) => (i === 0 ? flipByte(h, 1) : h)) };
      const bad = capture();
      expect(await run(['verify-consistency', '--old', file('cp1.json', cp1), '--new', file('cp2.json', cp2), '--proof', file('p.json', forged), '--public-key', pub.raw, '--json'], bad)).toBe(EXIT_INVALID);
      expect(JSON.parse(bad.lines.join('\n'))).toMatchObject({ valid: false, steps: expect.arrayContaining([expect.objectContaining({ check: 'consistency', ok: false })]) });
    });

    it('verify-checkpoint: rejects a checkpoint signed by another key', async () => {
      const other = Ed25519CheckpointSigner.generate().exportPublicKey();
      const io = capture();
      expect(await run(['verify-checkpoint', '--checkpoint', file('cp.json', cp2), '--public-key', other.raw], io)).toBe(EXIT_INVALID);
      expect(io.lines[0]).toMatch(/not pinned/);
      expect(await run(['verify-checkpoint', '--checkpoint', file('cp.json', cp2), `--public-key=${pub.pem}`], capture())).toBe(EXIT_VALID); // PEM text needs the = form (it starts with -)
    });

    it('usage and I/O errors exit 2', async () => {
      const cases: string[][] = [
        [],
        ['frobnicate', '--public-key', pub.raw],
        ['verify-inclusion', '--checkpoint', 'x.json'],
        ['verify-inclusion', '--checkpoint', join(dir, 'missing.json'), '--proof', 'p', '--public-key', pub.raw],
        ['verify-inclusion', '--public-key', 'not a key!'],
        ['verify-consistency', '--public-key', pub.raw],
        ['verify-inclusion', '--bogus'],
      ];
      for (const args of cases) {
        const io = capture();
        expect([args, await run(args, io)]).toEqual([args, EXIT_ERROR]);
        expect(io.errors.join('\n')).not.toBe('');
      }
      const help = capture();
      expect(await run(['--help'], help)).toBe(EXIT_VALID);
      expect(help.lines[0]).toMatch(/usage/);
    });
  });

  describe('online, against a server it does not trust', () => {
    it('verify-inclusion --url --event-id fetches checkpoint, proof and event, and verifies them', async () => {
      const io = capture();
      const code = await run(['verify-inclusion', '--url', url, '--token', TOKEN, '--event-id', events[15].eventId, '--public-key', pub.raw], io);
      expect({ code, errors: io.errors }).toEqual({ code: EXIT_VALID, errors: [] });
      expect(io.lines[io.lines.length - 1]).toMatch(/^VALID: event .* is leaf 15 of the log of size 19/);
      // against the older checkpoint the auditor kept (tree size 11)
      const old = capture();
      expect(await run(['verify-inclusion', '--url', url, '--event-id', events[3].eventId, '--checkpoint', file('cp1.json', cp1), '--public-key', pub.raw], { ...old, env: { AUDIT_TOKEN: TOKEN } })).toBe(EXIT_VALID);
    });

    it('detects an event the server altered', async () => {
      served = events.map((e) => ({ ...e }));
      served[15] = { ...served[15], data: { ...served[15].data, amount: 999 } };
      const io = capture();
      expect(await run(['verify-inclusion', '--url', url, '--token', TOKEN, '--event-id', events[15].eventId, '--public-key', pub.raw], io)).toBe(EXIT_INVALID);
      expect(io.lines[io.lines.length - 1]).toMatch(/INVALID: .*altered/);
      served = events.map((e) => ({ ...e }));
    });

    it('verify-consistency --url checks the latest checkpoint against the kept one and saves it', async () => {
      const save = join(dir, 'latest.json');
      const io = capture();
      expect(await run(['verify-consistency', '--url', url, '--token', TOKEN, '--old', file('kept.json', cp1), '--save', save, '--public-key', pub.raw], io)).toBe(EXIT_VALID);
      expect(JSON.parse(readFileSync(save, 'utf8'))).toEqual(cp2);
    });

    it('a missing token or an unknown event is an error (exit 2), not a verdict', async () => {
      const io = capture();
      expect(await run(['verify-consistency', '--url', url, '--old', file('kept.json', cp1), '--public-key', pub.raw], io)).toBe(EXIT_ERROR);
      expect(io.errors[0]).toMatch(/HTTP 401/);
      expect(await run(['verify-inclusion', '--url', url, '--token', TOKEN, '--event-id', 'nope', '--public-key', pub.raw], capture())).toBe(EXIT_ERROR);
    });

    it('detects a server that truncated its log and re-signed', async () => {
      await db.transaction(async (tx) => {
        await tx.query(`ALTER TABLE audit_merkle_leaves DISABLE TRIGGER USER`);
        await tx.query(`DELETE FROM audit_merkle_leaves WHERE leaf_index >= 9`);
        await tx.query(`ALTER TABLE audit_merkle_leaves ENABLE TRIGGER USER`);
      });
      await log.checkpoint(signer);
      const io = capture();
      const save = join(dir, 'should-not-exist.json');
      expect(await run(['verify-consistency', '--url', url, '--token', TOKEN, '--old', file('kept.json', cp1), '--save', save, '--public-key', pub.raw], io)).toBe(EXIT_INVALID);
      expect(io.lines[io.lines.length - 1]).toMatch(/INVALID: .*shrank/);
      expect(() => readFileSync(save)).toThrow();
    });
  });
});
