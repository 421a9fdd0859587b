/**
 * Jest globalSetup of the e2e project: builds the service once (scripts/ensure-built.js rebuilds only when a
 * source is newer than the last build). The harness (test/support/server.ts) then runs
 * `node dist/apps/api/src/main.js`; it never builds anything itself.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure-built.js')], { cwd: root, stdio: 'inherit' });
}
