/** Durability of the embedded store (see durableStartParams): fsync that reaches the host's disk. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of Emscripten's NODEFS (inside PGlite's module) that durability needs. */
export interface EmscriptenNodeFs {
  stream_ops: Record<string, unknown>;
  realPath(node: unknown): string;
  tryFSOperation<T>(f: () => T): T;
}

/**
 * Durability of the embedded store. PGlite 0.5 starts PostgreSQL with `-F` (fsync=off), and even with fsync
 * on, the calls would not reach the disk: Emscripten's NODEFS (the filesystem mapping PGDATA onto host files)
 * has no `fsync` stream operation, so `fsync()` returns success without a host call, and `fdatasync()` is a
 * no-op (see electric-sql/pglite issue #1107). So, when `fsync` is on:
 *  - PostgreSQL runs with fsync=on, synchronous_commit=on and wal_sync_method=fsync (the one sync call that
 *    reaches a stream operation), so a commit returns only after its WAL was flushed;
 *  - NODEFS gets an `fsync` stream operation calling the host's fsync(2) on the file (or on the directory,
 *    for which NODEFS keeps no host descriptor: PostgreSQL fsyncs directories after renames and creations);
 *  - a freshly initialised cluster (initdb runs without sync) is flushed once, file by file.
 * `relaxedDurability` (a PGlite option) is unrelated: it only defers IndexedDB/OPFS flushes in browsers.
 */
export function durableStartParams(defaults: readonly string[]): string[] {
  return [...defaults.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_sync_method=fsync', '-c', 'full_page_writes=on'];
}

export function patchNodeFsFsync(nodefs: EmscriptenNodeFs, onSync: () => void): void {
  nodefs.stream_ops.fsync = (stream: { nfd?: number; node: unknown }) => {
    if (typeof stream.nfd === 'number') {
      const nfd = stream.nfd;
      nodefs.tryFSOperation(() => fs.fsyncSync(nfd));
    } else {
      const hostPath = nodefs.realPath(stream.node);
      nodefs.tryFSOperation(() => {
        const fd = fs.openSync(hostPath, 'r');
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      });
    }
    onSync();
    return 0;
  };
}

/** fsync(2) of every file and directory under `dir` (children before their directory). */
export function fsyncTree(dir: string): number {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) n += fsyncTree(p);
    else if (entry.isFile()) {
      const fd = fs.openSync(p, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      n++;
    }
  }
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return n + 1;
}
