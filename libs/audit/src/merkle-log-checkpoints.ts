/**
 * Checkpoints in the Merkle log's storage (table audit_checkpoints) and the integrity check of the whole log
 * against its leaves, subtrees and stored checkpoints (MerkleLog.verifyLog).
 */
import type { SqlExecutor } from '@app/event-store';
import type { KeyObject } from 'node:crypto';
import { verifyCheckpoint, type Checkpoint } from './checkpoint';
import { eventLeafHash } from './event-leaf';
import { MerkleFrontier, subtreeKey, type SubtreeRef } from './merkle';
import { fetchSubtrees, LEAF_COLUMNS, toLeaf, toNum, type LeafRow } from './merkle-log-storage';

export interface LogIntegrityProblem {
  kind: 'leaf-hash-mismatch' | 'leaf-gap' | 'node-mismatch' | 'node-missing' | 'checkpoint-root-mismatch' | 'checkpoint-beyond-log' | 'checkpoint-signature';
  /** Leaf index, or checkpoint size. */
  at: number;
  detail: string;
}

export interface LogIntegrityResult {
  valid: boolean;
  size: number;
  checkedLeaves: number;
  checkedCheckpoints: number;
  problems: LogIntegrityProblem[];
}

export interface CheckpointRow {
  origin: string;
  tree_size: unknown;
  root_hash: string;
  issued_at: string;
  key_id: string;
  signature: string;
}
export const CHECKPOINT_COLUMNS = 'origin, tree_size, root_hash, issued_at, key_id, signature';
export const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  origin: r.origin,
  size: toNum(r.tree_size),
  root: r.root_hash,
  issuedAt: r.issued_at,
  keyId: r.key_id,
  signature: r.signature,
});

/** MerkleLog.verifyLog (see there): recomputes the whole log from its leaf rows, paged. */
export async function verifyLogTables(tx: SqlExecutor, opts: { publicKeys?: readonly KeyObject[]; pageSize?: number; maxProblems?: number } = {}): Promise<LogIntegrityResult> {
  const pageSize = opts.pageSize ?? 5000;
  const maxProblems = opts.maxProblems ?? 100;
  const problems: LogIntegrityProblem[] = [];
  const report = (p: LogIntegrityProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const cps = (await tx.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY tree_size, checkpoint_id`)).rows.map(toCheckpoint);
  let cpAt = 0;
  let checkedCheckpoints = 0;
  const checkCheckpointsAt = (size: number, root: string) => {
    while (cpAt < cps.length && cps[cpAt].size === size) {
      const cp = cps[cpAt++];
      checkedCheckpoints++;
      if (cp.root !== root) report({ kind: 'checkpoint-root-mismatch', at: size, detail: `checkpoint of ${cp.issuedAt} has root ${cp.root}, the log's root at size ${size} is ${root}` });
      if (opts.publicKeys) {
        const v = verifyCheckpoint(cp, opts.publicKeys, { origin: cp.origin });
        if (!v.valid) report({ kind: 'checkpoint-signature', at: size, detail: `checkpoint of ${cp.issuedAt}: ${v.reason}` });
      }
    }
  };

  const frontier = new MerkleFrontier();
  checkCheckpointsAt(0, frontier.root().toString('hex'));
  let next = 0;
  for (;;) {
    const page = (await tx.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2`, [next, pageSize])).rows.map(toLeaf);
    if (page.length === 0) break;
    const created: Array<{ ref: SubtreeRef; hash: Buffer }> = [];
    for (const l of page) {
      if (l.leafIndex !== frontier.size) {
        report({ kind: 'leaf-gap', at: frontier.size, detail: `leaf ${frontier.size} is missing (next stored leaf is ${l.leafIndex})` });
        return { valid: false, size: frontier.size, checkedLeaves: frontier.size, checkedCheckpoints, problems };
      }
      const recomputed = eventLeafHash({ stream: l.stream, revision: l.revision, eventId: l.eventId, hash: l.eventHash });
      if (recomputed.toString('hex') !== l.leafHash) report({ kind: 'leaf-hash-mismatch', at: l.leafIndex, detail: `leaf ${l.leafIndex} (event ${l.eventId}) stores ${l.leafHash}, its columns hash to ${recomputed.toString('hex')}` });
      created.push(...frontier.append(recomputed));
      checkCheckpointsAt(frontier.size, frontier.root().toString('hex'));
    }
    const storedNodes = await fetchSubtrees(tx, created.map((c) => c.ref), { allowMissing: true });
    for (const c of created) {
      const s = storedNodes.get(subtreeKey(c.ref));
      const at = c.ref.index * 2 ** c.ref.level;
      if (!s) report({ kind: 'node-missing', at, detail: `subtree ${subtreeKey(c.ref)} is not stored` });
      else if (Buffer.compare(Buffer.from(s), c.hash) !== 0) report({ kind: 'node-mismatch', at, detail: `subtree ${subtreeKey(c.ref)} (leaves ${at}..${at + 2 ** c.ref.level - 1}) is stored as ${Buffer.from(s).toString('hex')}, recomputed ${c.hash.toString('hex')}` });
    }
    next = frontier.size;
  }
  for (; cpAt < cps.length; cpAt++) {
    checkedCheckpoints++;
    report({ kind: 'checkpoint-beyond-log', at: cps[cpAt].size, detail: `a checkpoint of size ${cps[cpAt].size} (${cps[cpAt].issuedAt}) exists, but the log has only ${frontier.size} leaves: the log was truncated` });
  }
  return { valid: problems.length === 0, size: frontier.size, checkedLeaves: frontier.size, checkedCheckpoints, problems };
}
