/**
 * The SQL schema of the Merkle log (merkle-log.ts): plain PostgreSQL SQL, run by MerkleLog.migrate.
 *
 *  - audit_merkle_leaves: one row per event, leaf_index = its place in the log (global commit order);
 *    leaf_hash = eventLeafHash({stream, revision, eventId, hash}) (event-leaf.ts).
 *  - audit_merkle_nodes: the hash of every complete, aligned subtree of ≥ 2 leaves (level ≥ 1),
 *    written when its last leaf is appended, so roots and proofs need O(log n) rows in ONE query.
 *  - audit_checkpoints: every signed checkpoint issued.
 * Leaves and nodes are append-only (a trigger rejects UPDATE, DELETE and TRUNCATE); that is a guard
 * against accidents, not the security boundary — checkpoints held by auditors are.
 */

export const AUDIT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS audit_merkle_leaves (
  leaf_index      bigint      PRIMARY KEY CHECK (leaf_index >= 0),
  position        text        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
  event_id        text        NOT NULL UNIQUE,
  event_hash      text        NOT NULL,
  leaf_hash       bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
  appended_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_revision)
)`,
  `CREATE TABLE IF NOT EXISTS audit_merkle_nodes (
  level      smallint NOT NULL CHECK (level >= 1),
  node_index bigint   NOT NULL CHECK (node_index >= 0),
  hash       bytea    NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, node_index)
)`,
  `CREATE TABLE IF NOT EXISTS audit_checkpoints (
  checkpoint_id bigserial   PRIMARY KEY,
  origin        text        NOT NULL,
  tree_size     bigint      NOT NULL CHECK (tree_size >= 0),
  root_hash     text        NOT NULL,
  issued_at     text        NOT NULL,
  key_id        text        NOT NULL,
  signature     text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE INDEX IF NOT EXISTS audit_checkpoints_tree_size_idx ON audit_checkpoints (tree_size)`,
  `CREATE OR REPLACE FUNCTION audit_merkle_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit Merkle log table % is append-only (% rejected)', TG_TABLE_NAME, TG_OP USING ERRCODE = '55000';
END
$$`,
  `DROP TRIGGER IF EXISTS audit_merkle_leaves_append_only ON audit_merkle_leaves`,
  `CREATE TRIGGER audit_merkle_leaves_append_only BEFORE UPDATE OR DELETE ON audit_merkle_leaves FOR EACH ROW EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_leaves_no_truncate ON audit_merkle_leaves`,
  `CREATE TRIGGER audit_merkle_leaves_no_truncate BEFORE TRUNCATE ON audit_merkle_leaves FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_nodes_append_only ON audit_merkle_nodes`,
  `CREATE TRIGGER audit_merkle_nodes_append_only BEFORE UPDATE OR DELETE ON audit_merkle_nodes FOR EACH ROW EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_nodes_no_truncate ON audit_merkle_nodes`,
  `CREATE TRIGGER audit_merkle_nodes_no_truncate BEFORE TRUNCATE ON audit_merkle_nodes FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_append_only()`,
];

/** Key of the transaction-level advisory lock serializing appenders ("audit" in ASCII). */
export const MERKLE_LOG_LOCK_KEY = '418581342580';
