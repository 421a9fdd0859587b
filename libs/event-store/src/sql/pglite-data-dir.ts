/** The lock that keeps a PGlite data directory open in one PgliteDatabase at a time (this process or another). */
import * as fs from 'node:fs';

/** Directories opened by this process (PGlite must never run twice on the same files). */
const openDirs = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>.lock` (O_EXCL, holding our pid); a lock left by a dead process is taken over. */
export function lockDataDir(dir: string): () => void {
  if (openDirs.has(dir)) throw new Error(`PGlite data directory ${dir} is already open in this process`);
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      } catch {
        // vanished in between: retry
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(`PGlite data directory ${dir} is in use by process ${owner} (lock file ${lockFile})`);
      }
      fs.rmSync(lockFile, { force: true }); // stale (dead owner, or ours from a crashed instance)
    }
  }
  openDirs.add(dir);
  return () => {
    openDirs.delete(dir);
    fs.rmSync(lockFile, { force: true });
  };
}
