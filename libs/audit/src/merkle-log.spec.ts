import type { RecordedEvent } from '@app/event-store';
import { verifyStreamChain } from './chain-verify';
import { Ed25519CheckpointSigner, verifyCheckpoint, type Checkpoint } from './checkpoint';
import { eventLeafHash } from './event-leaf';
import { MemoryMerkleTree, verifyConsistency, verifyInclusion } from './merkle';
import { AUDIT_MIGRATIONS, MerkleLog, MerkleLogError } from './merkle-log';
import { verifyConsistencyBundle, verifyInclusionBundle } from './proof-verify';
import { createTestDb } from './test-support/pglite';
import { flipByte, interleave, makeStream } from './test-support/make-events';

jest.setTimeout(60_000);

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const hexes = (hs: string[]) => hs.map((h) => Buffer.from(h, 'hex'));

describe('MerkleLog on PGlite', () => {
  let db: Awaited<ReturnType<typeof createTestDb>>;
  let log: MerkleLog;
  const signer = Ed25519CheckpointSigner.generate();
  const keys = [signer.publicKey];

  const a = makeStream('dispute-a', 9);
  const b = makeStream('dispute-b', 14);
  const c = makeStream('dispute-c', 14);
  const all = interleave(a, b, c); // 37 events in global order
  const mem = MemoryMerkleTree.fromLeafHashes(all.map(eventLeafHash));

  const append = (events: RecordedEvent[]) => db.transaction((tx) => log.appendEvents(tx, events));

  beforeAll(async () => {
    db = await createTestDb();
    log = new MerkleLog(db);
    await log.migrate();
    await log.migrate(); // idempotent
  });
  afterAll(async () => {
    await db.close();
  });

  it('exports its migrations as single statements', () => {
    expect(AUDIT_MIGRATIONS.length).toBeGreaterThan(3);
    expect(AUDIT_MIGRATIONS.join('\n')).toMatch(/CREATE TABLE IF NOT EXISTS audit_merkle_leaves/);
  });

  it('starts empty', async () => {
    expect(await log.size()).toBe(0);
    expect(await log.root()).toBe(mem.root(0).toString('hex'));
    expect(await log.latestCheckpoint()).toBeNull();
  });

  const checkpoints: Checkpoint[] = [];

  it('appends in batches, matches the in-memory tree at every size, and signs checkpoints', async () => {
    const batches = [1, 2, 5, 1, 8, 3, 17];
    let at = 0;
    for (const n of batches) {
      const r = await append(all.slice(at, at + n));
      at += n;
      expect(r).toEqual({ appended: n, skipped: 0, size: at });
      expect(await log.root()).toBe(mem.root(at).toString('hex'));
      const cp = await log.checkpoint(signer);
      expect(cp).toMatchObject({ size: at, root: mem.root(at).toString('hex'), keyId: signer.keyId });
      expect(verifyCheckpoint(cp, keys).valid).toBe(true);
      checkpoints.push(cp);
    }
    expect(at).toBe(all.length);
    expect(await log.latestCheckpoint()).toEqual(checkpoints[checkpoints.length - 1]);
    expect(await log.checkpointForSize(checkpoints[2].size)).toEqual(checkpoints[2]);
    for (let n = 0; n <= all.length; n++) expect(await log.root(n)).toBe(mem.root(n).toString('hex'));
  });

  it('is idempotent: re-appending (all or overlapping) adds nothing twice', async () => {
    const root = await log.root();
    expect(await append(all)).toEqual({ appended: 0, skipped: all.length, size: all.length });
    expect(await append(all.slice(10, 20))).toEqual({ appended: 0, skipped: 10, size: all.length });
    expect(await log.root()).toBe(root);
    const cp = await log.checkpoint(signer, { onlyIfGrown: true });
    expect(cp).toEqual(checkpoints[checkpoints.length - 1]);
  });

  it('serves inclusion proofs for every event at every checkpoint that verify against the signed root', async () => {
    const queriesBefore = db.counter.queries;
    let proofs = 0;
    for (const cp of checkpoints) {
      for (let i = 0; i < cp.size; i++) {
        const byId = await log.inclusionProof(all[i].eventId, cp.size);
        expect(byId).toMatchObject({ eventId: all[i].eventId, stream: all[i].stream, revision: all[i].revision, eventHash: all[i].hash, leafIndex: i, treeSize: cp.size });
        expect(byId.path).toEqual(mem.inclusionProof(i, cp.size).map((h) => h.toString('hex')));
        expect(verifyInclusion(i, cp.size, Buffer.from(byId.leafHash, 'hex'), hexes(byId.path), Buffer.from(cp.root, 'hex'))).toBe(true);
        const report = verifyInclusionBundle({ checkpoint: json(cp), proof: json(byId), event: json(all[i]), publicKeys: keys });
        expect(report).toMatchObject({ valid: true });
        proofs++;
      }
    }
    // a constant number of queries per proof (leaf lookup, size, one batched subtree fetch)
    expect((db.counter.queries - queriesBefore) / proofs).toBeLessThanOrEqual(3);
    expect(await log.inclusionProof(5)).toEqual(await log.inclusionProof(all[5].eventId));
  });

  it('serves consistency proofs between every pair of sizes', async () => {
    for (let m = 0; m <= all.length; m++) {
      for (let n = m; n <= all.length; n++) {
        const p = await log.consistencyProof(m, n);
        expect(p.path).toEqual(mem.consistencyProof(m, n).map((h) => h.toString('hex')));
        expect(verifyConsistency(m, n, mem.root(m), mem.root(n), hexes(p.path))).toBe(true);
      }
    }
    for (let i = 0; i < checkpoints.length; i++) {
      for (let j = i; j < checkpoints.length; j++) {
        const proof = await log.consistencyProof(checkpoints[i].size, checkpoints[j].size);
        expect(verifyConsistencyBundle({ oldCheckpoint: json(checkpoints[i]), newCheckpoint: json(checkpoints[j]), proof: json(proof), publicKeys: keys })).toMatchObject({ valid: true });
      }
    }
  });

  it('rejects bad requests with typed errors', async () => {
    await expect(log.inclusionProof('nope')).rejects.toMatchObject({ code: 'event-not-found' });
    await expect(log.inclusionProof(all[20].eventId, 10)).rejects.toMatchObject({ code: 'invalid-range' });
    await expect(log.inclusionProof(0, all.length + 1)).rejects.toMatchObject({ code: 'invalid-range' });
    await expect(log.consistencyProof(5, 3)).rejects.toMatchObject({ code: 'invalid-range' });
    await expect(log.consistencyProof(0, 1000)).rejects.toBeInstanceOf(MerkleLogError);
  });

  it('refuses a different event at a logged position or a logged event id at a new position', async () => {
    await expect(append([{ ...all[3], hash: flipByte(all[3].hash) }])).rejects.toMatchObject({ code: 'conflict' });
    await expect(append([{ ...all[3], position: '9/999' }])).rejects.toMatchObject({ code: 'conflict' });
    expect(await log.size()).toBe(all.length);
  });

  it('inclusion bundles reject an altered event, a proof for another event, and a checkpoint of another size', async () => {
    const cp = checkpoints[checkpoints.length - 1];
    const proof = await log.inclusionProof(all[7].eventId, cp.size);
    const altered = json(all[7]);
    altered.data.text = flipByte(altered.data.text as string);
    expect(verifyInclusionBundle({ checkpoint: cp, proof, event: altered, publicKeys: keys })).toMatchObject({ valid: false, summary: expect.stringMatching(/event was altered/) });
    // altered AND re-hashed: the leaf no longer matches the signed tree
    const rehashed = json(all[7]);
    rehashed.data.text = 'forged';
    const { computeEventHash } = await import('./event-hash');
    rehashed.hash = computeEventHash(rehashed);
    expect(verifyInclusionBundle({ checkpoint: cp, proof: { ...proof, eventHash: rehashed.hash }, event: rehashed, publicKeys: keys }).valid).toBe(false);
    expect(verifyInclusionBundle({ checkpoint: cp, proof, event: all[8], publicKeys: keys })).toMatchObject({ valid: false, summary: expect.stringMatching(/another event/) });
    expect(verifyInclusionBundle({ checkpoint: checkpoints[0], proof, event: all[7], publicKeys: keys })).toMatchObject({ valid: false, summary: expect.stringMatching(/tree size/) });
    expect(verifyInclusionBundle({ checkpoint: cp, proof, publicKeys: keys })).toMatchObject({ valid: true });
    expect(verifyInclusionBundle({ checkpoint: cp, proof, event: all[7], publicKeys: [Ed25519CheckpointSigner.generate().publicKey] })).toMatchObject({ valid: false, summary: expect.stringMatching(/not pinned/) });
  });

  it('gives the expected heads and logged hashes that catch a truncated or rewritten stream', async () => {
    expect(await log.streamHead('dispute-b')).toEqual({ revision: 13, hash: b[13].hash });
    expect(await log.streamHead('nope')).toBeNull();
    const heads = await log.streamHeads();
    expect([...heads.keys()].sort()).toEqual(['dispute-a', 'dispute-b', 'dispute-c']);
    const head = heads.get('dispute-c');
    expect(verifyStreamChain(c.slice(0, 11), { expectedHead: head })).toMatchObject({ valid: false, brokenAt: 11, reason: 'truncated' });
    const logged = await log.streamHashes('dispute-a');
    expect(logged.size).toBe(a.length);
    const forged = makeStream('dispute-a', 6, { from: { revision: 2, hash: a[2].hash } }).map((e) => ({ ...e, data: { forged: true } }));
    // (makeStream hashed the original data: recompute to simulate a careful forger)
    const { computeEventHash } = await import('./event-hash');
    let prev = a[2].hash;
    for (const e of forged) {
      e.prevHash = prev;
      e.hash = computeEventHash(e);
      prev = e.hash;
    }
    const rewritten = [...a.slice(0, 3), ...forged];
    expect(verifyStreamChain(rewritten).valid).toBe(true);
    expect(verifyStreamChain(rewritten, { logged })).toMatchObject({ valid: false, brokenAt: 3, reason: 'log-mismatch' });
  });

  it('verifyLog recomputes the stored log and finds it intact', async () => {
    expect(await log.verifyLog({ publicKeys: keys, pageSize: 7 })).toEqual({ valid: true, size: all.length, checkedLeaves: all.length, checkedCheckpoints: checkpoints.length, problems: [] });
  });

  it('the log tables are append-only', async () => {
    await expect(db.query(`UPDATE audit_merkle_leaves SET event_hash = 'x' WHERE leaf_index = 0`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_merkle_nodes`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_merkle_leaves`)).rejects.toThrow(/append-only/);
  });

  describe('an insider who bypasses the triggers', () => {
    const tamper = async (sql: string, params: unknown[] = []) => {
      await db.transaction(async (tx) => {
        await tx.query(`ALTER TABLE audit_merkle_leaves DISABLE TRIGGER USER`);
        await tx.query(`ALTER TABLE audit_merkle_nodes DISABLE TRIGGER USER`);
        await tx.query(sql, params);
        await tx.query(`ALTER TABLE audit_merkle_leaves ENABLE TRIGGER USER`);
        await tx.query(`ALTER TABLE audit_merkle_nodes ENABLE TRIGGER USER`);
      });
    };

    it('rewriting a leaf is caught by verifyLog and by the auditor holding an old checkpoint', async () => {
      const old = checkpoints[3]; // size 9
      await tamper(`UPDATE audit_merkle_leaves SET event_hash = $1, leaf_hash = decode($2, 'hex') WHERE leaf_index = 4`, [
        'f'.repeat(64),
        eventLeafHash({ ...all[4], hash: 'f'.repeat(64) }).toString('hex'),
      ]);
      const result = await log.verifyLog({ publicKeys: keys });
      expect(result.valid).toBe(false);
      expect(result.problems.map((p) => p.kind)).toContain('node-mismatch');
      expect(result.problems.find((p) => p.kind === 'node-mismatch')?.at).toBe(4);
      // The server re-signs a fresh checkpoint over whatever it now has…
      await tamper(`DELETE FROM audit_merkle_nodes`);
      const leaves = (await db.query<{ leaf_hash: string }>(`SELECT encode(leaf_hash, 'hex') AS leaf_hash FROM audit_merkle_leaves ORDER BY leaf_index`)).rows;
      const rebuilt = MemoryMerkleTree.fromLeafHashes(leaves.map((l) => Buffer.from(l.leaf_hash, 'hex')));
      // (rebuild nodes for the forged tree so the server can serve "valid-looking" proofs)
      const rows: Array<{ level: number; node_index: number; hash: string }> = [];
      for (let level = 1; 2 ** level <= rebuilt.size; level++) {
        for (let i = 0; (i + 1) * 2 ** level <= rebuilt.size; i++) rows.push({ level, node_index: i, hash: Buffer.from(rebuilt.subtree({ level, index: i })).toString('hex') });
      }
      await tamper(`INSERT INTO audit_merkle_nodes SELECT r.level, r.node_index, decode(r.hash, 'hex') FROM jsonb_to_recordset($1::jsonb) AS r(level smallint, node_index bigint, hash text)`, [JSON.stringify(rows)]);
      const fresh = await log.checkpoint(signer);
      expect(verifyCheckpoint(fresh, keys).valid).toBe(true);
      // …but it cannot prove that the auditor's old checkpoint is a prefix of it.
      const proof = await log.consistencyProof(old.size, fresh.size);
      const report = verifyConsistencyBundle({ oldCheckpoint: old, newCheckpoint: fresh, proof, publicKeys: keys });
      expect(report.valid).toBe(false);
      expect(report.summary).toMatch(/old root/);
      // and the stored checkpoints of sizes 5..36 no longer match the log
      expect((await log.verifyLog()).problems.map((p) => p.kind)).toContain('checkpoint-root-mismatch');
    });

    it('truncating the log tail is caught by the consistency check and by verifyLog', async () => {
      const old = checkpoints[checkpoints.length - 1];
      await tamper(`DELETE FROM audit_merkle_leaves WHERE leaf_index >= 30`);
      expect(await log.size()).toBe(30);
      const shrunk = await log.checkpoint(signer);
      const report = verifyConsistencyBundle({ oldCheckpoint: old, newCheckpoint: shrunk, proof: { fromSize: 30, toSize: 30, path: [] }, publicKeys: keys });
      expect(report).toMatchObject({ valid: false, summary: expect.stringMatching(/shrank/) });
      await expect(log.consistencyProof(old.size)).rejects.toMatchObject({ code: 'invalid-range' });
      const result = await log.verifyLog();
      expect(result.problems.some((p) => p.kind === 'checkpoint-beyond-log' && p.at === old.size)).toBe(true);
    });
  });
});

describe('MerkleLog scale', () => {
  it('appends 1000 events in one transaction and proves any of them with O(1) queries', async () => {
    const db = await createTestDb();
    try {
      const log = new MerkleLog(db);
      await log.migrate();
      const events = interleave(...Array.from({ length: 10 }, (_, s) => makeStream(`s${s}`, 100)));
      await db.transaction((tx) => log.appendEvents(tx, events));
      const mem = MemoryMerkleTree.fromLeafHashes(events.map(eventLeafHash));
      expect(await log.root()).toBe(mem.root().toString('hex'));
      const nodes = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM audit_merkle_nodes`);
      expect(Number(nodes.rows[0].n)).toBe(1000 - 6); // n − popcount(n) complete subtrees of ≥ 2 leaves
      for (const i of [0, 1, 511, 512, 999]) {
        const before = db.counter.queries;
        const p = await log.inclusionProof(i, 777 > i ? 777 : 1000);
        expect(db.counter.queries - before).toBe(3);
        expect(verifyInclusion(i, p.treeSize, Buffer.from(p.leafHash, 'hex'), hexes(p.path), mem.root(p.treeSize))).toBe(true);
      }
      const p = await log.consistencyProof(333, 1000);
      expect(verifyConsistency(333, 1000, mem.root(333), mem.root(1000), hexes(p.path))).toBe(true);
      expect((await log.verifyLog({ pageSize: 128 })).valid).toBe(true);
    } finally {
      await db.close();
    }
  });
});
