/** Loading PGlite and its NodeFS with Node's own require (see loadPglite). */
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

type PgliteModule = typeof import('@electric-sql/pglite');
/** PGlite's NodeFS (the `@electric-sql/pglite/nodefs` export; typed here, the package's types need node16 resolution). */
export type PgliteFilesystem = NonNullable<PGliteOptions['fs']>;
interface NodeFsInstance {
  init(pg: PGlite, opts: Record<string, unknown>): Promise<{ emscriptenOpts: Record<string, unknown> & { preRun?: unknown[] } }>;
}
type NodeFsModule = { NodeFS: new (dataDir: string) => NodeFsInstance };
let pgliteModule: PgliteModule | null = null;
let nodeFsModule: NodeFsModule | null = null;

/** Node's own require (see loadPglite). */
function nodeRequire(): NodeRequire {
  const getBuiltinModule = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltinModule === 'function') {
    const { createRequire } = getBuiltinModule('node:module') as typeof import('node:module');
    return createRequire(__filename);
  }
  return require;
}

/**
 * Loads PGlite with Node's own `require`, not the one of the module system we run in. PGlite's WASM loader
 * uses dynamic `import()` of Node built-ins, which Jest's sandbox refuses ("A dynamic import callback was
 * invoked without --experimental-vm-modules"); Node's loader has no such limit. Outside Jest this is the
 * same as a plain require. Consequence inside Jest: PGlite's objects come from Node's main realm, so
 * PgliteDatabase re-creates rows, parsed values and errors in the caller's realm (see below), keeping
 * `instanceof Date/Error` and toStrictEqual working in tests.
 */
export function loadPglite(): PgliteModule {
  if (pgliteModule) return pgliteModule;
  pgliteModule = nodeRequire()('@electric-sql/pglite') as PgliteModule;
  return pgliteModule;
}

export function loadNodeFs(): NodeFsModule {
  if (nodeFsModule) return nodeFsModule;
  nodeFsModule = nodeRequire()('@electric-sql/pglite/nodefs') as NodeFsModule;
  return nodeFsModule;
}
