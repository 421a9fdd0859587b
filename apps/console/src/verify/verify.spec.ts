/**
 * The console's in-browser verifier (this folder: the service's pure algorithms from @app/audit/pure bound to
 * @noble's SHA-256 and Ed25519) against the service's own node:crypto binding (@app/audit): the same event
 * hashes, the same chain verdicts, the RFC 6962 reference vectors, and the same step-by-step reports for
 * inclusion proofs from the service's Merkle tree against checkpoints it signed. Also: the browser entry
 * imports nothing of Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  Ed25519CheckpointSigner,
  MemoryMerkleTree,
  computeEventHash as serviceHash,
  eventLeafHash as serviceLeaf,
  leafHash as serviceLeafHash,
  publicKeyId,
  signCheckpoint,
  verifyCheckpoint as serviceVerifyCheckpoint,
  verifyInclusion as serviceVerifyPath,
  verifyInclusionBundle as serviceVerifyBundle,
  verifyStreamChain,
} from '@app/audit';
import { checkConsistency, fromHex, leafHashWith, rootFromInclusionProof, toHex } from '@app/audit/pure';
import { makeStream } from '@app/audit/test-support/make-events';
import { CT_CONSISTENCY, CT_INCLUSION, CT_LEAVES_HEX, CT_ROOTS } from '@app/audit/test-support/rfc6962-vectors';
import { checkCheckpoint, computeEventHash, keyIdOfKey, parsePublicKey, verifyChain, verifyInclusion, type InclusionProof, type RawEvent } from './index';
import { BROWSER_CRYPTO } from './crypto';

const events = (): RawEvent[] => makeStream('dispute-42', 12) as unknown as RawEvent[];
const sha = BROWSER_CRYPTO.sha256;

describe('console verifier: the browser entry', () => {
  it('imports nothing of Node (no node: modules, no Buffer) in libs/audit/src/pure and the event store’s hash-content', () => {
    const root = path.resolve(__dirname, '../../../..');
    const dir = path.join(root, 'libs/audit/src/pure');
    const files = [...fs.readdirSync(dir).map((f) => path.join(dir, f)), path.join(root, 'libs/event-store/src/hash-content.ts')];
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect({ f, bad: imports.filter((i) => !(i.startsWith('./') || i === 'canonicalize' || i === '@app/event-store/hash-content')) }).toEqual({ f, bad: [] });
      expect({ f, buffer: /\bBuffer\s*[.(]/.test(text) }).toEqual({ f, buffer: false });
    }
  });

  it('hashes with @noble, not node:crypto (a plain Uint8Array, not a Buffer)', () => {
    const h = sha(new TextEncoder().encode('abc'));
    expect(Buffer.isBuffer(h)).toBe(false);
    expect(toHex(h)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('console verifier: hash chain', () => {
  it('hashes every event exactly as the service does (RFC 8785 + SHA-256), also for non-ASCII and nested data', () => {
    const extra: RawEvent = { ...events()[3], data: { z: 1, a: ['催单', { b: 1e21, c: -0, d: 0.1 }], '\u00e9': 'x' } };
    for (const e of [...events(), extra]) expect(computeEventHash(e)).toBe(serviceHash(e));
  });

  it('accepts an intact stream', () => {
    expect(verifyChain(events())).toEqual({ valid: true, checked: 12, head: { revision: 11, hash: events()[11].hash } });
  });

  it('names the revision and reason of altered content, a broken link, a gap and a reordering, exactly as the service does', () => {
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
      expect(mine).toEqual(verifyStreamChain(stream));
    }
    expect(verifyChain(altered).recomputed).toBe(serviceHash(altered[5]));
  });
});

// RFC 6962 reference vectors, the ones libs/audit's merkle.spec.ts checks the service with.
const CT_LEAVES = CT_LEAVES_HEX.map(fromHex);

describe('console verifier: RFC 6962 reference vectors with @noble', () => {
  it('leaf hashes equal the service’s; every reference inclusion path leads to the reference root, as the service finds', () => {
    for (const l of CT_LEAVES) expect(toHex(leafHashWith(sha, l))).toBe(serviceLeafHash(l).toString('hex'));
    for (const [i, n, p] of CT_INCLUSION) {
      const leaf = leafHashWith(sha, CT_LEAVES[i]);
      expect(toHex(rootFromInclusionProof(sha, i, n, leaf, p.map(fromHex)))).toBe(CT_ROOTS[n - 1]);
      expect(serviceVerifyPath(i, n, leaf, p.map(fromHex), fromHex(CT_ROOTS[n - 1]))).toBe(true);
      // A sibling with one bit flipped leads elsewhere.
      const bad = p.map(fromHex);
      bad[0][0] ^= 1;
      expect(toHex(rootFromInclusionProof(sha, i, n, leaf, bad))).not.toBe(CT_ROOTS[n - 1]);
    }
  });

  it('every reference consistency proof checks out; a wrong root does not', () => {
    for (const [m, n, p] of CT_CONSISTENCY) {
      expect(() => checkConsistency(sha, m, n, fromHex(CT_ROOTS[m - 1]), fromHex(CT_ROOTS[n - 1]), p.map(fromHex))).not.toThrow();
      expect(() => checkConsistency(sha, m, n, fromHex(CT_ROOTS[m]), fromHex(CT_ROOTS[n - 1]), p.map(fromHex))).toThrow();
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
  const both = (input: Parameters<typeof verifyInclusion>[0], serviceKey = signer.publicKey) => {
    const mine = verifyInclusion(input);
    expect(mine).toEqual(serviceVerifyBundle({ checkpoint: input.checkpoint, proof: input.proof, event: input.event, publicKeys: [serviceKey] }));
    return mine;
  };

  it('reads the pinned key in every form the service exports (raw base64, SPKI PEM) and derives the same keyId', () => {
    expect(toHex(parsePublicKey(pub.raw))).toBe(Buffer.from(pub.raw, 'base64').toString('hex'));
    expect(toHex(parsePublicKey(pub.pem))).toBe(Buffer.from(pub.raw, 'base64').toString('hex'));
    expect(keyIdOfKey(parsePublicKey(pub.raw))).toBe(pub.keyId);
    expect(keyIdOfKey(parsePublicKey(pub.raw))).toBe(publicKeyId(signer.publicKey));
    expect(() => parsePublicKey('not a key!')).toThrow();
  });

  it('verifies every leaf of every tree size against the signed checkpoint, with the same report as the service', () => {
    const key = parsePublicKey(pub.raw);
    for (let size = 1; size <= log.length; size++) {
      const cp = checkpointOf(size);
      expect(checkCheckpoint(cp, key)).toEqual(serviceVerifyCheckpoint(cp, signer.publicKey));
      expect(checkCheckpoint(cp, key)).toEqual({ valid: true, keyId: pub.keyId });
      for (let i = 0; i < size; i++) {
        const r = both({ checkpoint: cp, proof: proofFor(i, size), event: log[i], publicKey: key });
        expect(r.steps.filter((s) => !s.ok)).toEqual([]);
        expect(r.valid).toBe(true);
      }
    }
  });

  it('refuses another key, a forged signature or root, an altered event, a wrong path — at the same step as the service', () => {
    const key = parsePublicKey(pub.raw);
    const cp = checkpointOf(9);
    const otherSigner = Ed25519CheckpointSigner.generate();
    const other = parsePublicKey(otherSigner.exportPublicKey().raw);
    const failed = (r: { valid: boolean; steps: { check: string; ok: boolean }[] }) => (r.valid ? null : r.steps.find((s) => !s.ok)!.check);
    const base = { checkpoint: cp, proof: proofFor(4, 9), event: log[4], publicKey: key };
    expect(failed(both({ ...base, publicKey: other }, otherSigner.publicKey))).toBe('checkpoint-signature');
    expect(failed(both({ ...base, checkpoint: { ...cp, root: toHex(tree.root(8)) } }))).toBe('checkpoint-signature');
    expect(failed(both({ ...base, checkpoint: { ...cp, issuedAt: '2026-01-06T00:00:00.000Z' } }))).toBe('checkpoint-signature');
    const altered = both({ ...base, event: { ...log[4], data: { tampered: true } } });
    expect(failed(altered)).toBe('event-hash');
    expect(altered.steps.find((s) => !s.ok)!.detail).toContain('the event was altered');
    expect(failed(both({ ...base, event: log[5] }))).toBe('event-identity');
    const path = [...base.proof.path];
    path[0] = path[1];
    expect(failed(both({ ...base, proof: { ...base.proof, path } }))).toBe('inclusion');
    expect(failed(both({ ...base, proof: { ...base.proof, path: path.slice(1) } }))).toBe('inclusion');
    expect(failed(both({ ...base, proof: { ...base.proof, treeSize: 8 } }))).toBe('tree-size');
  });
});
