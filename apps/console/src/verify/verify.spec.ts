/**
 * The console's in-browser verifier (this folder: @noble + canonicalize) against the service's own
 * implementation (libs/audit, node:crypto): same event hashes, same verdicts on altered streams, and
 * inclusion proofs from the service's Merkle tree checked against checkpoints it signed.
 */
import { Ed25519CheckpointSigner, MemoryMerkleTree, computeEventHash as serviceHash, eventLeafHash as serviceLeaf, signCheckpoint, verifyStreamChain } from '@app/audit';
import { makeStream } from '@app/audit/test-support/make-events';
import { computeEventHash, verifyChain, type RawEvent } from './chain';
import { keyIdOf, parsePublicKey, verifyCheckpoint, verifyInclusion, type InclusionProof } from './merkle';
import { toHex } from './crypto';

const events = (): RawEvent[] => makeStream('dispute-42', 12) as unknown as RawEvent[];

describe('console verifier: hash chain', () => {
  it('hashes every event exactly as the service does (RFC 8785 + SHA-256), also for non-ASCII and nested data', () => {
    const extra: RawEvent = { ...events()[3], data: { z: 1, a: ['催单', { b: 1e21, c: -0, d: 0.1 }], '\u00e9': 'x' } };
    for (const e of [...events(), extra]) expect(computeEventHash(e)).toBe(serviceHash(e));
  });

  it('accepts an intact stream', () => {
    expect(verifyChain(events())).toEqual({ valid: true, checked: 12, head: { revision: 11, hash: events()[11].hash } });
  });

  it('names the revision of altered content, a broken link, a gap and a reordering, as the service does', () => {
    const altered = events();
    altered[5] = { ...altered[5], data: { ...altered[5].data, amount: 999 } };
    const relinked = events();
    relinked[7] = { ...relinked[7], prevHash: relinked[5].hash };
    const gap = events().filter((e) => e.revision !== 4);
    const swapped = events();
    [swapped[2], swapped[3]] = [swapped[3], swapped[2]];
    for (const [stream, at, reason] of [
      [altered, 5, 'content-mismatch'],
      [relinked, 7, 'broken-link'],
      [gap, 4, 'revision-gap'],
      [swapped, 2, 'out-of-order'],
    ] as const) {
      const mine = verifyChain(stream);
      expect(mine).toMatchObject({ valid: false, brokenAt: at, reason, checked: at });
      expect(verifyStreamChain(stream as any)).toMatchObject({ valid: false, brokenAt: at });
    }
  });
});

describe('console verifier: checkpoints and inclusion proofs', () => {
  const signer = Ed25519CheckpointSigner.generate();
  const pub = signer.exportPublicKey();
  const log = makeStream('dispute-7', 9) as unknown as RawEvent[];
  const tree = new MemoryMerkleTree();
  for (const e of log) tree.appendLeafHash(serviceLeaf(e));

  const proofFor = (i: number, size: number): InclusionProof => ({
    eventId: log[i].eventId,
    stream: log[i].stream,
    revision: log[i].revision,
    eventHash: log[i].hash,
    leafIndex: i,
    treeSize: size,
    leafHash: serviceLeaf(log[i]).toString('hex'),
    path: tree.inclusionProof(i, size).map((b) => b.toString('hex')),
  });
  const checkpointOf = (size: number) => signCheckpoint(signer, { size, root: tree.root(size), issuedAt: '2026-01-05T00:00:00.000Z' });

  it('reads the pinned key in every form the service exports (raw base64, SPKI PEM) and derives the same keyId', () => {
    expect(toHex(parsePublicKey(pub.raw))).toBe(Buffer.from(pub.raw, 'base64').toString('hex'));
    expect(toHex(parsePublicKey(pub.pem))).toBe(Buffer.from(pub.raw, 'base64').toString('hex'));
    expect(keyIdOf(parsePublicKey(pub.raw))).toBe(pub.keyId);
    expect(() => parsePublicKey('not a key!')).toThrow();
  });

  it('verifies every leaf of every tree size against the signed checkpoint', () => {
    const key = parsePublicKey(pub.raw);
    for (let size = 1; size <= log.length; size++) {
      const cp = checkpointOf(size);
      expect(verifyCheckpoint(cp, key)).toEqual({ valid: true });
      for (let i = 0; i < size; i++) {
        const r = verifyInclusion({ checkpoint: cp, proof: proofFor(i, size), event: log[i], publicKey: key });
        expect(r.steps.filter((s) => !s.ok)).toEqual([]);
        expect(r.valid).toBe(true);
      }
    }
  });

  it('refuses another key, a forged signature or root, an altered event, a wrong path', () => {
    const key = parsePublicKey(pub.raw);
    const cp = checkpointOf(9);
    const other = parsePublicKey(Ed25519CheckpointSigner.generate().exportPublicKey().raw);
    const failed = (r: { valid: boolean; steps: { check: string; ok: boolean }[] }) => (r.valid ? null : r.steps.find((s) => !s.ok)!.check);
    const base = { checkpoint: cp, proof: proofFor(4, 9), event: log[4], publicKey: key };
    expect(failed(verifyInclusion({ ...base, publicKey: other }))).toBe('checkpoint-signature');
    expect(failed(verifyInclusion({ ...base, checkpoint: { ...cp, root: toHex(tree.root(8)) } }))).toBe('checkpoint-signature');
    expect(failed(verifyInclusion({ ...base, checkpoint: { ...cp, issuedAt: '2026-01-06T00:00:00.000Z' } }))).toBe('checkpoint-signature');
    expect(failed(verifyInclusion({ ...base, event: { ...log[4], data: { tampered: true } } }))).toBe('event-hash');
    expect(failed(verifyInclusion({ ...base, event: log[5] }))).toBe('event-identity');
    const path = [...base.proof.path];
    path[0] = path[1];
    expect(failed(verifyInclusion({ ...base, proof: { ...base.proof, path } }))).toBe('inclusion');
    expect(failed(verifyInclusion({ ...base, proof: { ...base.proof, path: path.slice(1) } }))).toBe('inclusion');
    expect(failed(verifyInclusion({ ...base, proof: { ...base.proof, treeSize: 8 } }))).toBe('tree-size');
  });
});
